"""The stream worker: folds `c360.interactions` and `c360.contacts` into the active generation of
purchase histories, and moves to a new generation when a rebuild activates one. It is a
`HistoryProjector` handler in the shared batch runner (polling, commits, poison, health)."""

import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.adapters.history_store import MongoHistoryStore, active_generation
from services.analytics.service_layer.projector import HistoryProjector
from services.analytics.service_layer.scoring import Scorer
from shared.consuming import BatchRunner, ConsumerHealth, RunnerOptions
from shared.consuming.deadletters import KafkaDeadLetters
from shared.kafka import MAX_RECORD_BYTES
from shared.logging import get_logger
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
GENERATION_CHECK_S = 2.0
WRITE_CONCURRENCY = 16
CONSUMER = "analytics"
MAX_RECORDS = 2000


def group_id(settings: Settings, generation: str) -> str:
    """One consumer group per generation: a rebuild's group starts from offset 0."""
    return f"{settings.topic_prefix}c360-analytics-{generation}"


def source_topics(topics: Topics) -> list[str]:
    return [topics.interactions, topics.contacts]


def history_runner(
    settings: Settings,
    db: AsyncDatabase[Document],
    generation: str,
    producer: AIOKafkaProducer,
    scorer: Scorer | None,
    health: ConsumerHealth | None = None,
) -> BatchRunner:
    """The purchase histories of one generation, as a handler in the shared batch runner."""
    topics = Topics.from_settings(settings)
    projector = HistoryProjector(
        MongoHistoryStore(db, generation), scorer, settings.topic_prefix, WRITE_CONCURRENCY
    )
    dead_letters = KafkaDeadLetters(producer, topics.deadletter, CONSUMER, MAX_RECORD_BYTES)
    options = RunnerOptions(
        name=CONSUMER,
        group_id=group_id(settings, generation),
        topics=source_topics(topics),
        max_records=MAX_RECORDS,
        stall_after_s=settings.stall_after_s,
    )

    async def ping() -> None:
        await db.command("ping")

    return BatchRunner(settings, options, projector, dead_letters, health=health, probe=ping)


def worker_health(settings: Settings) -> ConsumerHealth:
    return ConsumerHealth(CONSUMER, settings.stall_after_s)


async def run_worker(
    settings: Settings,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    scorer: Scorer,
    health: ConsumerHealth,
) -> None:
    """Run for ever, switching generations when the active one changes."""
    while True:
        generation = await active_generation(db)
        log.info("analytics worker folding", generation=generation)
        runner = history_runner(settings, db, generation, producer, scorer, health)
        await runner.run(still_active(db, generation))


def still_active(db: AsyncDatabase[Document], generation: str) -> Callable[[], Awaitable[bool]]:
    checked = {"at": time.monotonic()}

    async def check() -> bool:
        if time.monotonic() - checked["at"] < GENERATION_CHECK_S:
            return True
        checked["at"] = time.monotonic()
        return await active_generation(db) == generation

    return check
