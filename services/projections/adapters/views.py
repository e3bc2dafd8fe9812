"""Reading the customer-360 view: the one helper other services use too.

    from services.projections.adapters.views import load_view
    view = await load_view(db, "c_0123")      # Customer360 | None, merges already followed

A merged id resolves to its survivor (`view.merged_into` says so); the survivor's view is its own
state composed with the states of every customer merged into it.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.directory import survivor_of
from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.domain.classify import next_change
from services.projections.domain.compose import compose
from services.projections.domain.state import CustomerState
from services.projections.domain.view import Customer360, present
from shared.mongo import Document

MAX_MEMBERS = 64


@dataclass(frozen=True)
class Resolved:
    requested_id: str
    members: list[CustomerState]  # survivor first

    @property
    def survivor(self) -> CustomerState:
        return self.members[0]

    def view(self, now: datetime) -> Customer360:
        return self.aged_view(now)[0]

    def aged_view(self, now: datetime) -> tuple[Customer360, datetime | None]:
        """The view as of `now`, and the instant after which it may read differently without a
        new event (None: never)."""
        composed = compose(self.members)
        ids = [m.customer_id for m in self.members]
        ages = next_change(composed.kpis, composed.complaints, now)
        return present(composed, self.requested_id, ids, now), ages


async def _members(
    store: ProjectionStore, survivor: CustomerState, head: bool
) -> list[CustomerState]:
    """The survivor and everyone merged into it, transitively (breadth first)."""
    members, seen = [survivor], {survivor.customer_id}
    frontier = list(survivor.merged_from)
    while frontier and len(members) < MAX_MEMBERS:
        frontier = [m for m in dict.fromkeys(frontier) if m not in seen]
        seen.update(frontier)
        loaded = await asyncio.gather(*(store.load_state(m, head) for m in frontier))
        found = [s for s in loaded if s is not None]
        members += found
        frontier = [m for s in found for m in s.merged_from]
    return members


async def resolve(store: ProjectionStore, customer_id: str, head: bool = False) -> Resolved | None:
    """Follow merges and load every member (with their inline timeline part when `head`);
    None when the id was never seen."""
    # Read the state and the merge link together: an unmerged customer costs one round trip.
    own, survivor_id = await asyncio.gather(
        store.load_state(customer_id, head), survivor_of(store, customer_id)
    )
    if survivor_id != customer_id:
        own = await store.load_state(survivor_id, head)
    if own is None:
        return None
    return Resolved(customer_id, await _members(store, own, head))


async def load_view(
    db: AsyncDatabase[Document], customer_id: str, now: datetime | None = None
) -> Customer360 | None:
    """The 360 view of `customer_id` from the active generation (None: unknown customer)."""
    store = ProjectionStore(db, await active_generation(db))
    resolved = await resolve(store, customer_id)
    return None if resolved is None else resolved.view(now or datetime.now(UTC))
