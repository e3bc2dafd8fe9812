"""What the segment API does: define, list, describe, delete; back-fills run in the background."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.projections.adapters.segments import (
    BackfillJobs,
    Memberships,
    SegmentDefinitions,
)
from services.projections.adapters.store import ProjectionStore
from services.projections.domain.segments import Segment
from services.projections.service_layer.backfill import Backfill, Progress
from services.projections.service_layer.segmenting import SegmentEvents
from shared.conditions import Condition
from shared.logging import get_logger
from shared.mongo import Document

log = get_logger(__name__)


@dataclass
class SegmentAdmin:
    definitions: SegmentDefinitions
    jobs: BackfillJobs
    store: Callable[[], Awaitable[ProjectionStore]]  # the active generation
    events: Callable[[], Awaitable[SegmentEvents]]  # a producer, started on first use
    settle_s: float | None = None
    running: set[asyncio.Task[Any]] = field(default_factory=set)

    async def define(self, segment_id: str, name: str, rule: Condition) -> Segment:
        segment = Segment(id=segment_id, name=name, rule=rule, created_at=datetime.now(UTC))
        await self.definitions.add(segment)
        store, events = await self.store(), await self.events()
        backfill = Backfill(store, events, Memberships(store), self.jobs)
        if self.settle_s is not None:
            backfill.settle_s = self.settle_s
        waiting = Progress(segment.id, segment.rule_hash)
        await self.jobs.save(segment.id, waiting.as_document())  # visible at once
        task = asyncio.create_task(backfill.run(segment), name=f"backfill-{segment.id}")
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return segment

    async def live(self, segment_id: str) -> Segment | None:
        found = await self.definitions.get(segment_id)
        return None if found is None or found.deleted else found

    async def all(self) -> list[Segment]:
        return sorted((s for s in await self.definitions.all() if not s.deleted), key=_by_id)

    async def size(self, segment_id: str) -> int:
        return await Memberships(await self.store()).size(segment_id)

    async def members(self, segment_id: str, after: str | None, limit: int) -> list[str]:
        return await Memberships(await self.store()).page(segment_id, after, limit)

    async def backfill(self, segment_id: str) -> Document | None:
        return await self.jobs.latest(segment_id)

    async def delete(self, segment: Segment) -> int:
        """Tombstone the definition (workers drop it from states) and its membership list."""
        await self.definitions.delete(segment)
        dropped = await Memberships(await self.store()).drop(segment.id)
        log.info("segment deleted", segment=segment.id, members=dropped)
        return dropped

    async def close(self) -> None:
        for task in list(self.running):
            task.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)


def _by_id(segment: Segment) -> str:
    return segment.id
