"""The notifier's stream worker: a handler in the shared batch runner, plus its timers.

It reads `c360.contacts`, `c360.interactions` and `c360.segments` (co-partitioned by customer
id; the range assignor gives partition n of each topic to the same member, so one worker owns a
customer), contacts first. Durable timers (SLA deadlines, scheduled sends, birthdays) fire on
their own schedule for the partitions this member owns, whether or not the last batch succeeded.
"""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from services.notifier import metrics
from services.notifier.service_layer.processing import Item, Notifier
from services.notifier.service_layer.timers import TimerRunner
from shared.concurrency import together
from shared.consuming import BatchRunner, DeadLetterSink, Record, RunnerOptions
from shared.consuming.deadletters import KafkaDeadLetters
from shared.consuming.errors import error_text
from shared.consuming.isolation import Probe
from shared.events import (
    CONTACT_TYPES,
    INTERACTION_TYPES,
    SEGMENT_TYPES,
    Event,
    InvalidEvent,
    decode_kafka_record,
)
from shared.kafka import MAX_RECORD_BYTES
from shared.logging import get_logger
from shared.privacy.keyring import Keyring
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
CONSUMER = "notifier"
CUSTOMER_CONCURRENCY = 8  # SQLite-backed FerretDB serialises writes; more only adds contention


def consumer_group(settings: Settings) -> str:
    """The notifier's consumer group (the deployment scales on its lag)."""
    return f"{settings.topic_prefix}c360-notifier"


def customer_of(event: Event, record: Record) -> str | None:
    """The record key is the customer id (the topic contract); `subject` when it is present."""
    if event.subject:
        return event.subject
    return record.key.decode("utf-8", "replace") if record.key else None


class NotifierHandler:
    def __init__(
        self,
        notifier: Notifier,
        dead_letters: DeadLetterSink,
        topics: Topics,
        keys: Keyring | None = None,
    ) -> None:
        self.notifier, self.dead_letters, self.topics = notifier, dead_letters, topics
        self.keys = keys  # opens sealed personal fields; without it events read anonymous
        self.limit = asyncio.Semaphore(CUSTOMER_CONCURRENCY)

    async def handle(self, records: Sequence[Record]) -> None:
        """Decode, group by customer (contacts first, then interactions), process concurrently."""
        by_customer: dict[str, list[Item]] = defaultdict(list)
        ordered = sorted(records, key=lambda r: r.topic != self.topics.contacts)
        with metrics.BATCH_SECONDS.time():
            for record in ordered:
                metrics.EVENTS_CONSUMED.labels(record.topic).inc()
                item = await self._decode(record)
                if item is not None:
                    by_customer[item[0]].append((record, item[1]))

            async def one(customer_id: str, items: list[Item]) -> None:
                async with self.limit:
                    await self.notifier.handle_events(customer_id, items)

            await together(one(c, items) for c, items in by_customer.items())

    async def _decode(self, record: Record) -> tuple[str, Event] | None:
        try:
            if self.keys is None:
                event = decode_kafka_record(record.value, record.headers)
            else:
                event = await self.keys.decode_record(record.value, record.headers)
        except InvalidEvent as exc:
            await self.dead_letters.reject(record, exc.kind, str(exc))
            return None
        if event.type not in INTERACTION_TYPES | CONTACT_TYPES | SEGMENT_TYPES:
            return None
        customer_id = customer_of(event, record)
        if not customer_id:
            await self.dead_letters.reject(record, "no_customer_id", "neither subject nor key")
            return None
        return customer_id, event


def notifier_runner(
    settings: Settings,
    notifier: Notifier,
    timers: TimerRunner,
    producer: AIOKafkaProducer,
    probe: Probe | None = None,
    keys: Keyring | None = None,
) -> BatchRunner:
    topics = Topics.from_settings(settings)
    dead_letters = KafkaDeadLetters(producer, topics.deadletter, CONSUMER, MAX_RECORD_BYTES)
    options = RunnerOptions(
        name=CONSUMER,
        group_id=consumer_group(settings),
        topics=[topics.contacts, topics.interactions, topics.segments],
        drain_first=[topics.contacts],
        stall_after_s=settings.stall_after_s,
    )
    handler = NotifierHandler(notifier, dead_letters, topics, keys)
    return BatchRunner(
        settings, options, handler, dead_letters, on_assigned=timers.forget, probe=probe
    )


async def run_timers(runner: BatchRunner, timers: TimerRunner, interval_s: float) -> None:
    """Fire due timers every `interval_s` for the partitions owned, between batches (one writer
    per customer), independent of how the batches fare; each only once its partition's log is
    applied up to its due time (`BatchRunner.applied_through`)."""
    while True:
        await asyncio.sleep(interval_s)
        if not runner.assignment():
            continue
        try:
            async with runner.lock:
                await timers.run_due(await runner.applied_through())
        except Exception as exc:  # the store is failing: the timers stay due, tried next tick
            log.warning("timers not fired; retrying", error=error_text(exc, 300))


async def run_worker(runner: BatchRunner, timers: TimerRunner, interval_s: float) -> None:
    """The batch runner and the timer loop, together until cancelled."""
    ticking = asyncio.create_task(run_timers(runner, timers, interval_s), name="notifier-timers")
    try:
        await runner.run()
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
