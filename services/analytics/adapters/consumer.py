"""Drives a `BatchHandler` from a Kafka consumer group until the shared batch runner
(`shared.consuming.BatchRunner`) is in place; it keeps that runner's contract so the switch is
one line in bootstrap: poll a batch, `handle` it, commit; a failed batch is retried a few times,
then applied record by record, and a record that still fails goes to the dead letter topic with
its reason while the rest are committed.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeAlias

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import ConsumerRecord
from pymongo.errors import ConnectionFailure

from shared.kafka import dead_letter_headers, make_consumer
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)
Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
Progress = Callable[[dict[TopicPartition, int], dict[TopicPartition, int]], None]
BATCH_ATTEMPTS = 3
PAUSE_S = 1.0
POLL_MS = 500
# a broker or store that does not answer is not the record's fault: wait, never dead-letter
DEPENDENCY_DOWN = (ConnectionFailure, KafkaError, OSError)


class BatchHandler(Protocol):
    async def handle(self, records: Sequence[Record]) -> None: ...


class HandlerConsumer:
    def __init__(
        self,
        settings: Settings,
        group_id: str,
        topics: list[str],
        handler: BatchHandler,
        dead_letters: tuple[AIOKafkaProducer, str],
    ) -> None:
        self.consumer: AIOKafkaConsumer = make_consumer(
            settings,
            group_id,
            max_poll_records=2000,
            partition_assignment_strategy=(RangePartitionAssignor,),
        )
        self.topics = topics
        self.handler = handler
        self.producer, self.deadletter_topic = dead_letters

    async def run(self, keep_going: Callable[[], Awaitable[bool]]) -> None:
        self.consumer.subscribe(self.topics)
        await self.consumer.start()
        try:
            while await keep_going():
                await self.step()
        finally:
            await self.consumer.stop()

    async def run_to_end(self, progress: Progress | None = None) -> None:
        """Consume until every partition has reached the end offset it had when reached."""
        self.consumer.subscribe(self.topics)
        await self.consumer.start()
        try:
            while not self.consumer.assignment():
                await self.step()
            ends = await self.consumer.end_offsets(list(self.consumer.assignment()))
            while True:
                done = {tp: await self.consumer.position(tp) for tp in ends}
                if progress is not None:
                    progress(done, ends)
                if all(done[tp] >= end for tp, end in ends.items()):
                    return
                await self.step()
        finally:
            await self.consumer.stop()

    async def step(self) -> None:
        batch = await self.consumer.getmany(timeout_ms=POLL_MS)
        if not batch:
            return
        records = [r for rs in batch.values() for r in rs]
        if not await self._apply(records):
            for tp, rs in batch.items():
                self.consumer.seek(tp, rs[0].offset)
            return
        try:
            await self.consumer.commit({tp: rs[-1].offset + 1 for tp, rs in batch.items()})
        except CommitFailedError:  # rebalanced meanwhile; the new owner redoes it harmlessly
            log.warning("commit failed after a rebalance")

    async def _apply(self, records: list[Record]) -> bool:
        """True when every record is applied or dead-lettered; False to retry the batch later."""
        for attempt in range(BATCH_ATTEMPTS):
            try:
                await self.handler.handle(records)
                return True
            except DEPENDENCY_DOWN as exc:
                log.warning("a dependency does not answer; batch paused", error=repr(exc))
                await asyncio.sleep(PAUSE_S)
                return False
            except Exception as exc:
                log.warning("batch failed", attempt=attempt + 1, error=repr(exc))
                await asyncio.sleep(PAUSE_S * attempt)
        for record in records:
            try:
                await self.handler.handle([record])
            except DEPENDENCY_DOWN:
                return False
            except Exception as exc:
                await self._dead_letter(record, exc)
        return True

    async def _dead_letter(self, record: Record, exc: Exception) -> None:
        log.error("record dead-lettered", topic=record.topic, offset=record.offset, error=repr(exc))
        headers = dead_letter_headers(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            kind=getattr(exc, "kind", type(exc).__name__),
            message=str(exc),
        )
        await self.producer.send_and_wait(
            self.deadletter_topic, record.value, key=record.key, headers=headers
        )
