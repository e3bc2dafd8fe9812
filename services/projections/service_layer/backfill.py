"""Back-fill: evaluate one new segment over every existing view, with progress.

Each view is judged exactly as the projector judges it (`segment_document` of the customer with
its merges), and a changed membership is announced the same way, with the cause
`backfill:<rule hash>`, so running the same back-fill twice publishes the same event ids. The
membership list in the customer's state is written with the projector's revision guard: when the
projector wrote the customer meanwhile, the customer is read again and judged again.

The job waits a little before it starts, for every worker to have loaded the new segment: from
then on the projector keeps each changed view's membership up to date itself.
"""

import asyncio
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.projections import metrics
from services.projections.adapters.segments import CATALOG_TTL_S
from services.projections.domain.compose import compose
from services.projections.domain.segments import Catalog, Change, Segment
from services.projections.domain.state import CustomerState
from services.projections.domain.view import segment_document
from services.projections.service_layer.segmenting import (
    MembershipRecord,
    SegmentEvents,
    StateLoader,
    announce,
)
from shared.concurrency import together
from shared.logging import get_logger
from shared.mongo import VersionConflict

log = get_logger(__name__)
PROGRESS_EVERY = 1000
CHUNK = 64  # customers judged (and written) at once
MAX_CONFLICTS = 8


@dataclass
class Progress:
    segment_id: str
    rule_hash: str
    status: str = "waiting"  # waiting | running | done | failed
    scanned: int = 0
    entered: int = 0
    exited: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    def as_document(self) -> dict[str, object]:
        return asdict(self)


class States(StateLoader, Protocol):
    def scan_states(self, batch_size: int = 1000) -> AsyncGenerator[CustomerState, None]: ...

    async def save_segments(
        self, customer_id: str, segments: tuple[str, ...], expected_revision: int
    ) -> None: ...


class ProgressLog(Protocol):
    async def save(self, segment_id: str, progress: Mapping[str, object]) -> None: ...


@dataclass
class Backfill:
    states: States
    events: SegmentEvents
    memberships: MembershipRecord
    jobs: ProgressLog
    settle_s: float = 2 * CATALOG_TTL_S

    async def run(self, segment: Segment) -> Progress:
        progress = Progress(segment.id, segment.rule_hash)
        await self._report(progress)
        await asyncio.sleep(self.settle_s)
        progress.status, progress.started_at = "running", datetime.now(UTC)
        await self._report(progress)
        try:
            await self._scan(segment, progress)
        except Exception as exc:
            progress.status, progress.error = "failed", repr(exc)
            log.exception("segment back-fill failed", segment=segment.id)
        else:
            progress.status = "done"
        progress.finished_at = datetime.now(UTC)
        await self._report(progress)
        log.info("segment back-fill finished", **progress.as_document())
        return progress

    async def _report(self, progress: Progress) -> None:
        await self.jobs.save(progress.segment_id, progress.as_document())

    async def _scan(self, segment: Segment, progress: Progress) -> None:
        catalog, cause = Catalog.of([segment]), f"backfill:{segment.rule_hash}"
        chunk: list[CustomerState] = []
        async with aclosing(self.states.scan_states()) as states:  # closed when a chunk fails
            async for state in states:
                chunk.append(state)
                if len(chunk) == CHUNK:
                    await self._chunk(catalog, chunk, cause, progress)
                    chunk = []
        await self._chunk(catalog, chunk, cause, progress)

    async def _chunk(
        self, catalog: Catalog, states: list[CustomerState], cause: str, progress: Progress
    ) -> None:
        """Judge a chunk of customers at once: the writes of those who change overlap."""
        changes = await together(self._one(catalog, s, cause) for s in states)
        before, progress.scanned = progress.scanned, progress.scanned + len(states)
        progress.entered += sum(1 for c in changes if c is not None and c.entered)
        progress.exited += sum(1 for c in changes if c is not None and not c.entered)
        metrics.BACKFILL_VIEWS.labels(catalog.live[0].id).inc(len(states))
        if progress.scanned // PROGRESS_EVERY > before // PROGRESS_EVERY:
            log.info("segment back-fill progress", **progress.as_document())
            await self._report(progress)

    async def _one(self, catalog: Catalog, state: CustomerState, cause: str) -> Change | None:
        """Judge one customer; on a lost race with the projector, read it again and re-judge."""
        segment = catalog.live[0]
        for _ in range(MAX_CONFLICTS):
            members = [state, *await self._merged(state)]
            document = segment_document(compose(members), [m.customer_id for m in members])
            member, held = segment.check(document), segment.id in state.segments
            if member == held:
                return None
            wanted = tuple(
                sorted({*state.segments, segment.id} - (set() if member else {segment.id}))
            )
            change = Change(segment.id, segment.name, entered=member)
            at = state.updated_at or datetime.now(UTC)
            # announced before the state records it, as the projector does: never lost, and
            # repeated with the same id if this stops in between and the back-fill runs again
            await announce(self.events, self.memberships, state.customer_id, [change], cause, at)
            try:
                await self.states.save_segments(state.customer_id, wanted, state.revision)
            except VersionConflict:
                reloaded = await self.states.load_state(state.customer_id, head=False)
                if reloaded is None:
                    return None
                state = reloaded
                continue
            return change
        raise VersionConflict(state.customer_id, state.revision)

    async def _merged(self, state: CustomerState) -> list[CustomerState]:
        loaded = await asyncio.gather(
            *(self.states.load_state(m, head=False) for m in state.merged_from)
        )
        return [s for s in loaded if s is not None]
