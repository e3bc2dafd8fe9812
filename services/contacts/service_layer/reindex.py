"""Rebuilding the identity index from the contacts: the upgrade to blind ids and the rotation
of the index key (`C360_IDENTITY_INDEX_KEY`).

A blind id cannot be re-keyed without its identifier, and the identifiers live in the contacts
themselves: a live contact owns the identifiers of its profile; a merged one's stay with the
customer it was merged into (as the merge pointed them: a second value of an external system is
kept only there); an erased one has none. So the index is written again from them under the
current key, and every entry that was not written (a plaintext `kind:value` from before the blind
index, an id under the old key, a claim whose contact never appeared) is dropped. Run it while
the contacts service is stopped: a claim made meanwhile could be dropped with the stale entries.
The owners are gathered in memory first (a key and an id per identifier).
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


def owners_of(states: list[ContactState]) -> dict[str, str]:
    """Identifier key -> the customer the index points it at. A live contact's own identifiers
    win over those a merged contact left with its survivor."""
    owners: dict[str, str] = {}
    for state in states:
        if state.merged_into is not None:
            for identity in state.identities():
                owners.setdefault(identity.key, state.merged_into)
    for state in states:
        if state.merged_into is None and not state.erased:
            owners |= {identity.key: state.customer_id for identity in state.identities()}
    return owners


async def reindex(index: RebuildableIndex) -> Reindexed:
    """Write every owned identifier under the current key, then drop every other entry."""
    states = [state async for state in index.contacts()]
    written = {await index.put(key, owner) for key, owner in owners_of(states).items()}
    stale = [entry_id for entry_id in await index.entry_ids() if entry_id not in written]
    for entry_id in stale:
        await index.drop(entry_id)
    return Reindexed(len(states), len(written), len(stale))
