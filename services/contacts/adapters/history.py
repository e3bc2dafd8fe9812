"""A contact's own events, read back from the journal's commits."""

from typing import TYPE_CHECKING, Any

from services.contacts.adapters.stored import commit_of
from services.contacts.domain.contact import ContactState
from shared.mongo import Document

if TYPE_CHECKING:  # the journal reads its history through this module
    from services.contacts.adapters.journal import ContactJournal


async def read_commit(journal: "ContactJournal", doc_id: str) -> Document | None:
    """The commit stored under `doc_id`, following a pointer from a secondary customer."""
    doc = await journal.events.find_one({"_id": doc_id})
    if doc is not None and "commit" in doc:  # a pointer: {"_id", "commit": <its commit's _id>}
        doc = await journal.events.find_one({"_id": doc["commit"]})
    return None if doc is None else commit_of(doc)


async def contact_history(
    journal: "ContactJournal", state: ContactState, limit: int = 200
) -> list[dict[str, Any]]:
    """The customer's events as CloudEvents, oldest first (the newest `limit`)."""
    first = max(1, state.version - limit + 1)
    events = []
    for version in range(first, state.version + 1):  # by computed _id: pushed down everywhere
        doc = await read_commit(journal, f"{state.customer_id}:{version}")
        if doc is not None:
            events.append(doc["event"])
    return events
