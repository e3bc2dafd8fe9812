"""A contact's own events, read back from the journal's commits."""

from typing import TYPE_CHECKING, Any

from services.contacts.domain.contact import ContactState
from shared.mongo import Document

if TYPE_CHECKING:  # the journal reads its history through this module
    from services.contacts.adapters.journal import ContactJournal


async def commit_of(journal: "ContactJournal", doc_id: str) -> Document | None:
    """The commit stored under `doc_id`, following a pointer from a secondary customer."""
    doc = await journal.events.find_one({"_id": doc_id})
    if doc is not None and "event" not in doc:
        doc = await journal.events.find_one({"_id": doc["commit"]})
    return doc


async def contact_history(
    journal: "ContactJournal", state: ContactState, limit: int = 200
) -> list[dict[str, Any]]:
    """The customer's events as CloudEvents, oldest first (the newest `limit`)."""
    first = max(1, state.version - limit + 1)
    events = []
    for version in range(first, state.version + 1):  # by computed _id: pushed down everywhere
        doc = await commit_of(journal, f"{state.customer_id}:{version}")
        if doc is not None:
            events.append(doc["event"])
    return events
