"""The stream worker: folds `c360.interactions`, `c360.contacts` and `c360.notifications` into
the active generation, and moves to a new generation when a rebuild activates one."""

import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.consumer import ProjectionConsumer
from services.projections.adapters.deadletters import DeadLetters
from services.projections.adapters.fault_points import pause_from_env
from services.projections.adapters.segments import (
    CatalogCache,
    KafkaSegmentEvents,
    Memberships,
    SegmentDefinitions,
)
from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.service_layer.projector import Projector
from services.projections.service_layer.segmenting import SegmentEvents, SegmentTracker
from shared.logging import get_logger
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
GENERATION_CHECK_S = 2.0


def group_id(settings: Settings, generation: str) -> str:
    """One consumer group per generation: a rebuild's group starts from offset 0, and the
    workers continue from where the rebuild committed once it is activated."""
    return f"{settings.topic_prefix}c360-projections-{generation}"


def source_topics(topics: Topics) -> list[str]:
    return [topics.interactions, topics.contacts, topics.notifications]


class Unannounced:
    """A rebuild recomputes memberships without announcing them again: they were announced
    when the log was first folded."""

    async def publish(self, events: object) -> None:
        return None


def make_projector(
    settings: Settings,
    db: AsyncDatabase[Document],
    generation: str,
    producer: AIOKafkaProducer,
    announce_segments: bool = True,
) -> Projector:
    topics = Topics.from_settings(settings)
    store = ProjectionStore(db, generation)
    events: SegmentEvents = (
        KafkaSegmentEvents(producer, topics.segments) if announce_segments else Unannounced()
    )
    tracker = SegmentTracker(
        CatalogCache(SegmentDefinitions(db)), events, Memberships(store), store
    )
    return Projector(
        store,
        DeadLetters(producer, topics.deadletter),
        topics,
        between_writes=pause_from_env(),
        concurrency=settings.projections_write_concurrency,
        segments=tracker,
    )


async def run_worker(
    settings: Settings, db: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> None:
    """Run for ever, switching generations when the active one changes."""
    topics = Topics.from_settings(settings)
    while True:
        generation = await active_generation(db)
        log.info("projection worker folding", generation=generation)
        projector = make_projector(settings, db, generation, producer)
        consumer = ProjectionConsumer(
            settings, group_id(settings, generation), source_topics(topics), projector.handle
        )
        await consumer.run(still_active(db, generation))


def still_active(db: AsyncDatabase[Document], generation: str) -> Callable[[], Awaitable[bool]]:
    """Between batches, every few seconds: is `generation` still the active one?"""
    checked = {"at": time.monotonic()}

    async def check() -> bool:
        if time.monotonic() - checked["at"] < GENERATION_CHECK_S:
            return True
        checked["at"] = time.monotonic()
        return await active_generation(db) == generation

    return check
