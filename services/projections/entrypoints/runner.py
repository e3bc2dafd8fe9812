"""The stream worker: folds `c360.interactions`, `c360.contacts`, `c360.notifications` and
`c360.analytics` into the active generation, and moves to a new generation when a rebuild
activates one. It is a `Projector` handler in the shared batch runner (polling, commits, poison,
health)."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.fault_points import pause_from_env
from services.projections.adapters.segments import (
    CatalogCache,
    KafkaSegmentEvents,
    Memberships,
    SegmentDefinitions,
)
from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.service_layer.owned_states import OwnedStates
from services.projections.service_layer.projector import Projector
from services.projections.service_layer.segmenting import SegmentEvents, SegmentTracker
from shared.consuming import BatchRunner, ConsumerHealth, RunnerOptions
from shared.consuming.deadletters import KafkaDeadLetters
from shared.consuming.errors import error_text, is_dependency_down
from shared.kafka import MAX_RECORD_BYTES
from shared.logging import get_logger
from shared.mongo import Document
from shared.privacy.blind import blind_index
from shared.privacy.local import keyring
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
GENERATION_CHECK_S = 2.0
STORE_RETRY_S = 2.0
CONSUMER = "projections"
MAX_RECORDS = 5000


def group_id(settings: Settings, generation: str) -> str:
    """One consumer group per generation: a rebuild's group starts from offset 0, and the
    workers continue from where the rebuild committed once it is activated."""
    return f"{settings.topic_prefix}c360-projections-{generation}"


def source_topics(topics: Topics) -> list[str]:
    return [topics.interactions, topics.contacts, topics.notifications, topics.analytics]


class Unannounced:
    """A rebuild recomputes memberships without announcing them again: they were announced
    when the log was first folded."""

    async def publish(self, events: object) -> None:
        return None


def make_runner(
    settings: Settings,
    db: AsyncDatabase[Document],
    generation: str,
    producer: AIOKafkaProducer,
    health: ConsumerHealth | None = None,
    announce_segments: bool = True,
) -> BatchRunner:
    """The projection of one generation, as a handler in the shared batch runner."""
    topics = Topics.from_settings(settings)
    dead_letters = KafkaDeadLetters(producer, topics.deadletter, CONSUMER, MAX_RECORD_BYTES)
    store = ProjectionStore(db, generation, blind_index(settings))
    events: SegmentEvents = (
        KafkaSegmentEvents(producer, topics.segments) if announce_segments else Unannounced()
    )
    tracker = SegmentTracker(
        CatalogCache(SegmentDefinitions(db)), events, Memberships(store), store
    )
    projector = Projector(
        store,
        dead_letters,
        topics,
        between_writes=pause_from_env(),
        concurrency=settings.projections_write_concurrency,
        segments=tracker,
        keys=keyring(settings, db),
        owned=OwnedStates(settings.projections_owned_states),
    )
    options = RunnerOptions(
        name=CONSUMER,
        group_id=group_id(settings, generation),
        topics=source_topics(topics),
        max_records=MAX_RECORDS,
        poll_ms=200,
        stall_after_s=settings.stall_after_s,
    )
    return BatchRunner(
        settings, options, projector, dead_letters, health=health, probe=lambda: ping(db)
    )


def worker_health(settings: Settings) -> ConsumerHealth:
    return ConsumerHealth(CONSUMER, settings.stall_after_s)


async def ping(db: AsyncDatabase[Document]) -> None:
    await db.command("ping")


async def run_worker(
    settings: Settings,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    health: ConsumerHealth | None = None,
) -> None:
    """Run for ever, switching generations when the active one changes."""
    health = health or worker_health(settings)
    while True:
        try:
            generation = await active_generation(db)
        except Exception as exc:
            if not is_dependency_down(exc):
                raise
            health.block(f"store: {error_text(exc, 300)}")
            log.warning("store not answering; retrying", error=error_text(exc, 300))
            await asyncio.sleep(STORE_RETRY_S)
            continue
        log.info("projection worker folding", generation=generation)
        runner = make_runner(settings, db, generation, producer, health)
        await runner.run(still_active(db, generation))


def still_active(db: AsyncDatabase[Document], generation: str) -> Callable[[], Awaitable[bool]]:
    """Between batches, every few seconds: is `generation` still the active one?"""
    checked = {"at": time.monotonic()}

    async def check() -> bool:
        if time.monotonic() - checked["at"] < GENERATION_CHECK_S:
            return True
        checked["at"] = time.monotonic()
        try:
            return await active_generation(db) == generation
        except Exception as exc:  # the batches meet the outage too, and pause
            if not is_dependency_down(exc):
                raise
            return True

    return check
