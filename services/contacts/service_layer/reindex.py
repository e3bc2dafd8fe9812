"""Rebuilding the identity index from the contacts: the upgrade to blind ids and the rotation
of the index key (`C360_IDENTITY_INDEX_KEY`).

A blind id cannot be re-keyed without its identifier, and the identifiers live in the contacts
themselves: every live contact (not merged away, not erased) owns the identifiers of its profile.
So the index is written again from them under the current key, and every entry that was not
written (a plaintext `kind:value` from before the blind index, an id under the old key, a claim
whose contact never appeared) is dropped. Run it while the contacts service is stopped: a
claim made meanwhile could be dropped with the stale entries.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from services.contacts.domain.contact import ContactState


class RebuildableIndex(Protocol):
    def contacts(self) -> AsyncIterator[ContactState]:
        """Every contact's current state."""
        ...

    async def entry_ids(self) -> list[str]:
        """The `_id` of every index entry now stored."""
        ...

    async def put(self, key: str, customer_id: str) -> str:
        """Point `key` (`kind:value`) at `customer_id`; returns the stored `_id`."""
        ...

    async def drop(self, entry_id: str) -> None: ...


@dataclass(frozen=True)
class Reindexed:
    contacts: int
    entries: int
    dropped: int


def owned_keys(state: ContactState) -> list[str]:
    """The identifiers a contact owns in the index: none once merged away or erased."""
    if state.erased or state.merged_into is not None:
        return []
    return [identity.key for identity in state.identities()]


async def reindex(index: RebuildableIndex) -> Reindexed:
    """Write every live contact's identifiers under the current key, then drop the rest."""
    written: set[str] = set()
    contacts = 0
    async for state in index.contacts():
        contacts += 1
        for key in owned_keys(state):
            written.add(await index.put(key, state.customer_id))
    stale = [entry_id for entry_id in await index.entry_ids() if entry_id not in written]
    for entry_id in stale:
        await index.drop(entry_id)
    return Reindexed(contacts, len(written), len(stale))
