"""How contacts and their commits are stored: the fields writes are guarded or found by stay
fields of their own; everything else is one JSON text.

FerretDB v1 keeps a type schema beside every nested document and parses it on every read and
every guarded write (see docs/projections.md, "The stored state"). A contact's snapshot and
a commit (event, states, index changes, placement) are nested several levels deep, and are only
ever read whole, so they are stored as text. Documents an earlier release wrote nested are still
read.
"""

from typing import Any

import orjson

from services.contacts.domain.contact import ContactState
from shared.mongo import Document

STATE = "state"
BODY = "body"
COMMITTED_AT = "at"


def snapshot_document(state: ContactState) -> Document:
    """A contact's snapshot: its id, its version (what a replace is guarded by) and the state."""
    return {"_id": state.customer_id, "version": state.version, STATE: state.model_dump_json()}


def snapshot_of(doc: Document) -> ContactState:
    text = doc.get(STATE)
    if isinstance(text, str):
        return ContactState.model_validate_json(text)
    return ContactState.model_validate({k: v for k, v in doc.items() if k != "_id"})


def commit_document(commit: Document) -> Document:
    """A commit as stored: `commit` (as `commit_doc` builds it) with its body as one text."""
    body = {k: v for k, v in commit.items() if k not in ("_id", COMMITTED_AT)}
    return {
        "_id": commit["_id"],
        BODY: orjson.dumps(body).decode(),
        COMMITTED_AT: commit[COMMITTED_AT],
    }


def commit_of(doc: Document) -> Document | None:
    """The commit a stored document holds (`_id`, event, publish, states, index, placement, at);
    None for a pointer to another customer's commit or a stub left by an erasure."""
    text = doc.get(BODY)
    if isinstance(text, str):
        body: dict[str, Any] = orjson.loads(text)
        return {"_id": doc["_id"], **body, COMMITTED_AT: doc.get(COMMITTED_AT)}
    return doc if "event" in doc else None  # nested, as an earlier release wrote it
