"""Segment membership after a view change, and the events that announce it.

Called by the projector once a customer's records are folded and before its state is written:
the entered/exited events are published (and the membership documents written) first, then the
state that records the new membership. A crash in between makes the batch come again: the same
records give the same changes with the same event ids (the cause is the first record folded),
so consumers see a repeat they already know, never a new event.
"""

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from services.projections import metrics
from services.projections.domain.compose import compose
from services.projections.domain.segments import Catalog, Change, assess
from services.projections.domain.state import CustomerState
from services.projections.domain.view import segment_document
from shared.events import EventType
from shared.events.segments import (
    SegmentEntered,
    SegmentEvent,
    SegmentExited,
    SegmentMembershipData,
    membership_event_id,
)

SOURCE = "services/projections"


class CatalogSource(Protocol):
    async def current(self) -> Catalog: ...


class SegmentEvents(Protocol):
    async def publish(self, events: Sequence[SegmentEvent]) -> None: ...


class MembershipRecord(Protocol):
    async def record(
        self, customer_id: str, entered: Sequence[str], exited: Sequence[str]
    ) -> None: ...


class StateLoader(Protocol):
    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None: ...


def membership_event(customer_id: str, change: Change, cause: str, at: datetime) -> SegmentEvent:
    data = SegmentMembershipData(
        segment_id=change.segment_id,
        segment_name=change.segment_name,
        customer_id=customer_id,
        cause=cause,
    )
    event_id = membership_event_id(change.segment_id, customer_id, change.entered, cause)
    if change.entered:
        return SegmentEntered(
            id=event_id,
            source=SOURCE,
            type=EventType.SEGMENT_ENTERED,
            time=at,
            subject=customer_id,
            data=data,
        )
    return SegmentExited(
        id=event_id,
        source=SOURCE,
        type=EventType.SEGMENT_EXITED,
        time=at,
        subject=customer_id,
        data=data,
    )


async def announce(
    events: SegmentEvents,
    memberships: MembershipRecord,
    customer_id: str,
    changes: Sequence[Change],
    cause: str,
    at: datetime,
) -> None:
    """Publish the changes, then write the membership documents (both idempotent)."""
    await events.publish([membership_event(customer_id, c, cause, at) for c in changes])
    await memberships.record(
        customer_id,
        [c.segment_id for c in changes if c.entered],
        [c.segment_id for c in changes if not c.entered],
    )
    for change in changes:
        metrics.SEGMENT_CHANGES.labels("entered" if change.entered else "exited").inc()


class SegmentTracker:
    def __init__(
        self,
        catalog: CatalogSource,
        events: SegmentEvents,
        memberships: MembershipRecord,
        states: StateLoader,
    ) -> None:
        self.catalog = catalog
        self.events = events
        self.memberships = memberships
        self.states = states

    async def settle(self, state: CustomerState, cause: str) -> CustomerState:
        """`state` (just folded) with its segments brought up to date, changes announced."""
        catalog = await self.catalog.current()
        if not catalog.live and not state.segments:
            return state
        members = await self._members(state)
        started = time.perf_counter()
        document = segment_document(compose(members), [m.customer_id for m in members])
        verdict = assess(catalog, state.segments, document)
        metrics.SEGMENT_EVALUATION_SECONDS.observe(time.perf_counter() - started)
        if verdict.changes:
            at = state.updated_at or datetime.now(UTC)
            await announce(
                self.events, self.memberships, state.customer_id, verdict.changes, cause, at
            )
        return state.model_copy(update={"segments": verdict.segments})

    async def _members(self, state: CustomerState) -> list[CustomerState]:
        """The customer and those merged into it (one level: their own merges are rare)."""
        if not state.merged_from:
            return [state]
        loaded = await asyncio.gather(
            *(self.states.load_state(m, head=False) for m in state.merged_from)
        )
        return [state, *(s for s in loaded if s is not None)]
