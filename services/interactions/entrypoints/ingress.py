"""The ingress agent: `c360.ingress` records in, interactions or dead letters out.

A plain aiokafka consumer group with manual commits (no Faust: its offset bookkeeping has known
bugs). Each poll is handled as one batch: valid records are accepted through `Ingestion`, invalid
ones are copied to `c360.deadletter`, and only when every resulting record is acknowledged are the
offsets committed. An outage rewinds to the first unhandled record and tries again; receipts make
the second attempt one effect. A poison record is classified, dead-lettered, and passed.
"""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError

from services.interactions import metrics
from services.interactions.adapters.kafka_log import DeadLetters, RejectedRecord
from services.interactions.domain.acceptance import Unavailable
from services.interactions.domain.intake import read_record
from services.interactions.domain.rejection import Rejected, Rejection
from services.interactions.service_layer.ingestion import Ingestion
from shared.events.interactions import InteractionEvent
from shared.events.text import DEFAULT_MAX_FUTURE_SKEW, door_context
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)
MAX_BACKOFF_S = 5.0
POLL_RECORDS = 1_000  # one poll is one ingestion call: one bulk claim, one round of acks


def consumer_group(settings: Settings) -> str:
    """The ingress agent's consumer group (the deployment scales on its lag)."""
    return f"{settings.topic_prefix}c360-interactions"


class IngressOutage(Exception):
    """Some valid records could not be accepted now; the poll is retried."""


class IngressAgent:
    def __init__(
        self,
        consumer_factory: Callable[[], AIOKafkaConsumer],
        ingestion: Ingestion,
        dead_letters: DeadLetters,
        max_future_skew: timedelta = DEFAULT_MAX_FUTURE_SKEW,
    ) -> None:
        self.consumer_factory = consumer_factory
        self.max_future_skew = max_future_skew
        self.ingestion = ingestion
        self.dead_letters = dead_letters
        self.running = False

    async def run_forever(self, stop: asyncio.Event) -> None:
        """`run`, restarted after anything that ends it early (say, no broker at startup)."""
        while not stop.is_set():
            try:
                await self.run(stop)
            except Exception as exc:
                log.error("ingress agent stopped; restarting", error=repr(exc))
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

    async def ready(self) -> None:
        """Readiness: the consumer is running."""
        if not self.running:
            raise RuntimeError("the ingress agent is not consuming")

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set. Never returns early on bad data or an outage."""
        consumer = self.consumer_factory()
        await consumer.start()
        self.running = True
        backoff = 0.1
        try:
            while not stop.is_set():
                polled = await consumer.getmany(timeout_ms=500, max_records=POLL_RECORDS)
                if not polled:
                    continue
                try:
                    await self.handle([r for records in polled.values() for r in records])
                    await consumer.commit({tp: rs[-1].offset + 1 for tp, rs in polled.items()})
                    backoff = 0.1
                except CommitFailedError as exc:  # rebalanced: the new owner redoes it, once
                    log.warning("ingress commit failed after a rebalance", error=str(exc))
                except Exception as exc:  # an outage (or a bug) must stall, never skip records
                    metrics.INGRESS_RETRIES.inc()
                    log.warning("ingress poll will be retried", error=repr(exc), wait_s=backoff)
                    _rewind(consumer, polled)
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(stop.wait(), backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                await _report_lag(consumer)
        finally:
            self.running = False
            await consumer.stop()

    async def handle(self, records: list[ConsumerRecord]) -> None:
        """Accept the valid records, dead-letter the others; raises IngressOutage if any valid
        record could not be accepted now (the caller rewinds and retries the whole poll)."""
        metrics.INGRESS_CONSUMED.inc(len(records))
        valid: list[tuple[ConsumerRecord, InteractionEvent]] = []
        rejected: list[RejectedRecord] = []
        door = door_context(self.max_future_skew)
        for record in records:
            try:
                valid.append((record, read_record(record.value, record.headers, door)))
            except Rejected as exc:
                rejected.append(_rejected(record, exc.rejection))
        outcomes = await self.ingestion.accept([e for _, e in valid], via="kafka")
        unavailable = [o for o in outcomes if isinstance(o, Unavailable)]
        for (record, _), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, Rejection):
                rejected.append(_rejected(record, outcome))
        if unavailable:  # before dead-lettering, so the retry does not copy the poison twice
            raise IngressOutage(f"{len(unavailable)} events not accepted: {unavailable[0].reason}")
        if rejected:
            await self.dead_letters.send(rejected)


def _rejected(record: ConsumerRecord, rejection: Rejection) -> RejectedRecord:
    return RejectedRecord(
        record.topic,
        record.partition,
        record.offset,
        record.key,
        record.value,
        tuple(record.headers),
        rejection,
    )


def _rewind(consumer: AIOKafkaConsumer, polled: dict[TopicPartition, list[ConsumerRecord]]) -> None:
    assigned = consumer.assignment()
    for tp, records in polled.items():
        if tp in assigned:  # a partition lost to a rebalance is redone by its new owner
            consumer.seek(tp, records[0].offset)


async def _report_lag(consumer: AIOKafkaConsumer) -> None:
    for tp in consumer.assignment():
        end = consumer.highwater(tp)
        if end is not None:
            lag = end - await consumer.position(tp)
            metrics.INGRESS_LAG.labels(str(tp.partition)).set(max(lag, 0))
