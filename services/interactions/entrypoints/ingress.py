"""The ingress agent: `c360.ingress` records in, interactions or dead letters out.

A handler in the shared batch runner (`shared.consuming`), which polls, commits only what is
done, isolates poison and keeps readiness. Each poll is one ingestion call: valid records are
accepted through `Ingestion`, invalid ones are rejected to the dead letter with the reason. An
outage raises `IngressOutage`, a `DependencyDown`: the runner rewinds and retries the poll, and
receipts make the second attempt one effect.
"""

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from aiokafka import AIOKafkaProducer

from services.interactions import metrics
from services.interactions.domain.acceptance import Intake, Unavailable
from services.interactions.domain.intake import read_record
from services.interactions.domain.rejection import Rejected, Rejection
from services.interactions.service_layer.ingestion import Ingestion
from shared.consuming import (
    BatchRunner,
    DeadLetterSink,
    DependencyDown,
    Record,
    RunnerOptions,
)
from shared.consuming.deadletters import KafkaDeadLetters
from shared.events.text import DEFAULT_MAX_FUTURE_SKEW, door_context
from shared.kafka import MAX_RECORD_BYTES
from shared.settings import Settings
from shared.topics import Topics

CONSUMER = "ingress"
POLL_RECORDS = 1_000  # one poll is one ingestion call: one bulk claim, one round of acks


def consumer_group(settings: Settings) -> str:
    """The ingress agent's consumer group (the deployment scales on its lag)."""
    return f"{settings.topic_prefix}c360-interactions"


class IngressOutage(DependencyDown):
    """Some valid records could not be accepted now; the poll is retried."""


class IngressHandler:
    def __init__(
        self,
        ingestion: Ingestion,
        dead_letters: DeadLetterSink,
        max_future_skew: timedelta = DEFAULT_MAX_FUTURE_SKEW,
        wrapup_codes: Sequence[str] | None = None,
    ) -> None:
        self.max_future_skew = max_future_skew
        self.wrapup_codes = wrapup_codes
        self.ingestion = ingestion
        self.dead_letters = dead_letters

    async def handle(self, records: Sequence[Record]) -> None:
        """Accept the valid records, reject the others; raises IngressOutage if any valid
        record could not be accepted now (the runner rewinds and retries the whole poll)."""
        metrics.INGRESS_CONSUMED.inc(len(records))
        valid: list[tuple[Record, Intake]] = []
        rejected: list[tuple[Record, Rejection]] = []
        door = door_context(self.max_future_skew, wrapup_codes=self.wrapup_codes)
        for record in records:
            try:
                valid.append((record, read_record(record.value, record.headers, door)))
            except Rejected as exc:
                rejected.append((record, exc.rejection))
        outcomes = await self.ingestion.accept([e for _, e in valid], via="kafka")
        unavailable = [o for o in outcomes if isinstance(o, Unavailable)]
        if unavailable:
            raise IngressOutage(f"{len(unavailable)} events not accepted: {unavailable[0].reason}")
        for (record, _), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, Rejection):
                rejected.append((record, outcome))
        for record, rejection in rejected:
            await self.dead_letters.reject(record, rejection.kind, rejection.summary())


def ingress_runner(
    settings: Settings,
    ingestion: Ingestion,
    producer: AIOKafkaProducer,
    max_future_skew: timedelta = DEFAULT_MAX_FUTURE_SKEW,
) -> BatchRunner:
    topics = Topics.from_settings(settings)
    dead_letters = KafkaDeadLetters(producer, topics.deadletter, CONSUMER, MAX_RECORD_BYTES)
    options = RunnerOptions(
        name=CONSUMER,
        group_id=consumer_group(settings),
        topics=[topics.ingress],
        max_records=POLL_RECORDS,
        per_customer=False,  # any key: ordering across ingress partitions is not promised
        stall_after_s=settings.stall_after_s,
    )
    handler = IngressHandler(ingestion, dead_letters, max_future_skew, settings.wrapup_codes)
    return BatchRunner(settings, options, handler, dead_letters)


async def run_until(runner: BatchRunner, stop: asyncio.Event) -> None:
    async def keep_going() -> bool:
        return not stop.is_set()

    await runner.run(keep_going)
