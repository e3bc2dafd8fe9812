"""The notifier's stream worker: a plain aiokafka consumer group with manual commits.

It reads `c360.contacts`, `c360.interactions` and `c360.segments` (co-partitioned by customer
id; the range assignor gives partition n of each topic to the same member, so one worker owns a
customer),
processes a batch, commits its offsets, and between batches fires the due timers of the
partitions it owns. A rebalance waits for the batch in hand (one owner at a time).
"""

import asyncio
import traceback
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError
from aiokafka.structs import ConsumerRecord

from services.notifier import metrics
from services.notifier.adapters.outcomes import Outcomes
from services.notifier.service_layer.processing import Item, Notifier
from services.notifier.service_layer.timers import TimerRunner
from shared.events import (
    CONTACT_TYPES,
    INTERACTION_TYPES,
    SEGMENT_TYPES,
    Event,
    InvalidEvent,
    decode_kafka_record,
)
from shared.kafka import make_consumer
from shared.logging import get_logger
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
RETRY_PAUSE_S = 1.0
CUSTOMER_CONCURRENCY = 8  # SQLite-backed FerretDB serialises writes; more only adds contention


def consumer_group(settings: Settings) -> str:
    """The notifier's consumer group (the deployment scales on its lag)."""
    return f"{settings.topic_prefix}c360-notifier"


class OneOwner(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions are handed over only between batches; what was remembered about them is
    dropped, since another worker may have written them meanwhile."""

    def __init__(self, lock: asyncio.Lock, on_assigned: Callable[[], None]) -> None:
        self.lock = lock
        self.on_assigned = on_assigned

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.lock:
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.on_assigned()
        metrics.ASSIGNED_PARTITIONS.set(len({tp.partition for tp in assigned}))


def customer_of(event: Event, record: ConsumerRecord[bytes, bytes]) -> str | None:
    """The record key is the customer id (the topic contract); `subject` when it is present."""
    if event.subject:
        return event.subject
    return record.key.decode("utf-8", "replace") if record.key else None


class NotifierWorker:
    def __init__(
        self,
        settings: Settings,
        notifier: Notifier,
        timers: TimerRunner,
        outcomes: Outcomes,
        scan_interval_s: float,
    ) -> None:
        self.settings, self.notifier, self.timers = settings, notifier, timers
        self.outcomes, self.scan_interval_s = outcomes, scan_interval_s
        self.topics = Topics.from_settings(settings)
        self.lock = asyncio.Lock()
        self.limit = asyncio.Semaphore(CUSTOMER_CONCURRENCY)

    async def run(self) -> None:
        consumer = make_consumer(
            self.settings,
            consumer_group(self.settings),
            partition_assignment_strategy=(RangePartitionAssignor,),
        )
        consumer.subscribe(
            [self.topics.contacts, self.topics.interactions, self.topics.segments],
            listener=OneOwner(self.lock, self.timers.forget),
        )
        try:
            await consumer.start()
            while True:
                batch = await consumer.getmany(timeout_ms=int(self.scan_interval_s * 1000))
                async with self.lock:
                    await self._step(consumer, batch)
        finally:
            await consumer.stop()

    async def _step(self, consumer: AIOKafkaConsumer, batch: Batch) -> None:
        try:
            batch = await self._contacts_first(consumer, batch)
            if batch:
                with metrics.BATCH_SECONDS.time():
                    await self.handle(batch)
                await self._commit(consumer, batch)
            owned = {tp.partition for tp in consumer.assignment()}
            await self.timers.run_due(owned)
        except Exception as exc:  # the store or broker is failing: rewind and retry, never skip
            log.error(
                "notifier batch failed; retrying from the batch start",
                error=repr(exc),
                traceback=traceback.format_exc(limit=8),
            )
            for tp, records in batch.items():
                consumer.seek(tp, records[0].offset)
            await asyncio.sleep(RETRY_PAUSE_S)

    async def _contacts_first(self, consumer: AIOKafkaConsumer, batch: Batch) -> Batch:
        """Hold interactions back while contacts written before them are still unread.

        The two topics are separate logs: without this, a backlog (a new deployment, a replay)
        could evaluate a purchase before the contact that gives its customer a channel and
        consent. Interactions resume once every contact record that existed is processed.
        """
        owned = consumer.assignment()
        contacts = [tp for tp in owned if tp.topic == self.topics.contacts]
        held_back = (self.topics.interactions, self.topics.segments)
        interactions = [tp for tp in owned if tp.topic in held_back]
        if not contacts or not (consumer.paused() or any(tp in batch for tp in interactions)):
            return batch
        ends = await consumer.end_offsets(contacts)
        behind = [tp for tp in contacts if await consumer.position(tp) < ends[tp]]
        if not behind:
            consumer.resume(*interactions)
            return batch
        for tp in interactions:
            if tp in batch:
                consumer.seek(tp, batch[tp][0].offset)
        consumer.pause(*interactions)
        return {tp: records for tp, records in batch.items() if tp.topic == self.topics.contacts}

    async def _commit(self, consumer: AIOKafkaConsumer, batch: Batch) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items()}
        try:
            await consumer.commit(offsets)
        except CommitFailedError:  # rebalanced meanwhile; the new owner redoes it idempotently
            log.warning("commit failed after a rebalance", partitions=len(offsets))

    async def handle(self, batch: Batch) -> None:
        """Decode, group by customer (contacts first, then interactions), process concurrently."""
        by_customer: dict[str, list[Item]] = defaultdict(list)
        ordered = sorted(batch.items(), key=lambda kv: kv[0].topic != self.topics.contacts)
        for tp, records in ordered:
            metrics.EVENTS_CONSUMED.labels(tp.topic).inc(len(records))
            for record in records:
                item = await self._decode(record)
                if item is not None:
                    by_customer[item[0]].append((record, item[1]))

        async def one(customer_id: str, items: list[Item]) -> None:
            async with self.limit:
                await self.notifier.handle_events(customer_id, items)

        await asyncio.gather(*(one(c, items) for c, items in by_customer.items()))

    async def _decode(self, record: ConsumerRecord[bytes, bytes]) -> tuple[str, Event] | None:
        try:
            event = decode_kafka_record(record.value, record.headers)
        except InvalidEvent as exc:
            await self._reject(record, exc.kind, str(exc))
            return None
        if event.type not in INTERACTION_TYPES | CONTACT_TYPES | SEGMENT_TYPES:
            return None
        customer_id = customer_of(event, record)
        if not customer_id:
            await self._reject(record, "no_customer_id", "record has neither subject nor key")
            return None
        return customer_id, event

    async def _reject(self, record: ConsumerRecord[bytes, bytes], kind: str, reason: str) -> None:
        await self.outcomes.reject(record, kind, reason)
        metrics.DEAD_LETTERED.labels(kind).inc()
