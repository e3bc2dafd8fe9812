"""The one place that talks to the Kafka consumer: a plain aiokafka group member, manual commits.

Loop: poll a batch -> `handle(batch)` (which writes the views and checkpoints) -> commit the
batch's offsets. A crash anywhere before the commit means redelivery, which the fold ignores.
Partitions are handed over only between batches, and the range assignor gives partition n of
every topic to the same member, so one worker owns all of a customer's records.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError
from aiokafka.structs import ConsumerRecord

from services.projections import metrics
from shared.kafka import make_consumer
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)
Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
Handle = Callable[[Sequence[Record]], Awaitable[object]]
Progress = Callable[[dict[TopicPartition, int], dict[TopicPartition, int]], None]
RETRY_PAUSE_S = 1.0
POLL_MS = 200
# Records that may still arrive after a rebuild stops; the workers fold them right after.
CATCH_UP_SLACK = 500


class OneBatchAtATime(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, lock: asyncio.Lock) -> None:
        self.lock = lock

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.lock:  # wait for the batch in hand to be written and committed
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        metrics.ASSIGNED_PARTITIONS.set(len(assigned))


class ProjectionConsumer:
    def __init__(
        self,
        settings: Settings,
        group_id: str,
        topics: list[str],
        handle: Handle,
        max_records: int = 5000,
    ) -> None:
        self.consumer: AIOKafkaConsumer = make_consumer(
            settings,
            group_id,
            max_poll_records=max_records,
            partition_assignment_strategy=(RangePartitionAssignor,),
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
        )
        self.topics = topics
        self.handle = handle
        self.lock = asyncio.Lock()

    async def run(self, keep_going: Callable[[], Awaitable[bool]]) -> None:
        """Consume until `keep_going()` (asked between batches) says no."""
        self.consumer.subscribe(self.topics, listener=OneBatchAtATime(self.lock))
        await self.consumer.start()
        try:
            while await keep_going():
                await self.step()
        finally:
            await self.consumer.stop()

    async def run_to_end(self, progress: Progress | None = None) -> None:
        """Consume until every partition reaches its end offset, then stop: how a rebuild
        catches up. Ends are re-read when reached, so events that arrived meanwhile count."""
        self.consumer.subscribe(self.topics, listener=OneBatchAtATime(self.lock))
        await self.consumer.start()
        try:
            while not self.consumer.assignment():
                await self.step()
            while True:
                ends = await self.consumer.end_offsets(list(self.consumer.assignment()))
                while not await self._reached(ends, progress):
                    await self.step()
                fresh = await self.consumer.end_offsets(list(ends))
                if sum(fresh[tp] - ends[tp] for tp in ends) <= CATCH_UP_SLACK:
                    return
        finally:
            await self.consumer.stop()

    async def _reached(self, ends: dict[TopicPartition, int], progress: Progress | None) -> bool:
        done = {tp: await self.consumer.position(tp) for tp in ends}
        if progress is not None:
            progress(done, ends)
        return all(done[tp] >= end for tp, end in ends.items())

    async def step(self) -> None:
        batch = await self.consumer.getmany(timeout_ms=POLL_MS)
        if not batch:
            return
        async with self.lock:
            records = [r for rs in batch.values() for r in rs]
            try:
                await self.handle(records)
            except Exception as exc:  # the store or broker is failing: rewind, retry, never skip
                log.exception("projection batch failed; retrying it", error=repr(exc))
                for tp, rs in batch.items():
                    self.consumer.seek(tp, rs[0].offset)
                await asyncio.sleep(RETRY_PAUSE_S)
                return
            offsets = {tp: rs[-1].offset + 1 for tp, rs in batch.items()}
            try:
                await self.consumer.commit(offsets)
            except CommitFailedError:  # rebalanced meanwhile; the new owner redoes it harmlessly
                log.warning("commit failed after a rebalance", partitions=len(offsets))
            self._report_lag(batch)

    def _report_lag(self, batch: dict[TopicPartition, list[Record]]) -> None:
        for tp, rs in batch.items():
            high = self.consumer.highwater(tp)
            if high is not None:
                metrics.LAG.labels(tp.topic, str(tp.partition)).set(high - (rs[-1].offset + 1))
