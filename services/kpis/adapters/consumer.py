"""A plain aiokafka consumer-group member driving the KPI handler, with manual commits.

Loop: poll -> `handler.handle(batch)` -> commit. A failed batch is rewound and retried, never
skipped; partitions move only between batches; the range assignor gives partition n of every
topic to the same member (the handler relies on it). It stands in for the shared batch runner
(`shared.consuming.BatchRunner`) until that is in main; the handler plugs into either.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from aiokafka import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError

from services.kpis.adapters.records import Record
from shared.kafka import make_consumer
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)
RETRY_PAUSE_S = 1.0


class BatchHandler(Protocol):
    async def handle(self, records: Sequence[Record]) -> None: ...


class _BetweenBatches(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, lock: asyncio.Lock) -> None:
        self.lock = lock

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.lock:  # the batch in hand is written and committed first
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        pass


class KpiConsumer:
    def __init__(
        self, settings: Settings, group_id: str, topics: list[str], handler: BatchHandler
    ) -> None:
        self.consumer = make_consumer(
            settings,
            group_id,
            partition_assignment_strategy=(RangePartitionAssignor,),
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
        )
        self.topics, self.handler = topics, handler
        self.lock = asyncio.Lock()
        self.batches = 0

    async def run(self, keep_going: Callable[[], Awaitable[bool]] | None = None) -> None:
        self.consumer.subscribe(self.topics, listener=_BetweenBatches(self.lock))
        await self.consumer.start()
        try:
            while keep_going is None or await keep_going():
                await self.step()
        finally:
            await self.consumer.stop()

    async def step(self) -> None:
        polled = await self.consumer.getmany(timeout_ms=200, max_records=1000)
        if not polled:
            return
        async with self.lock:
            try:
                await self.handler.handle([r for rs in polled.values() for r in rs])
            except Exception as exc:  # the store or broker is failing: rewind, retry
                log.exception("KPI batch failed; retrying it", error=repr(exc))
                for tp, rs in polled.items():
                    self.consumer.seek(tp, rs[0].offset)
                await asyncio.sleep(RETRY_PAUSE_S)
                return
            try:
                await self.consumer.commit({tp: rs[-1].offset + 1 for tp, rs in polled.items()})
            except CommitFailedError:  # rebalanced meanwhile: the new owner redoes it harmlessly
                log.warning("KPI commit failed after a rebalance")
            self.batches += 1
