"""The KPI worker: `KpiFolder` as a handler in the shared batch runner (polling, commits,
rebalances, retries, poison isolation, health). Consumer group `c360-kpis`; the range assignor
gives partition n of every source topic to the same member, as the folder requires."""

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.kpis.adapters.fault_points import pause_from_env
from services.kpis.adapters.records import SourceTopics
from services.kpis.adapters.store import MongoKpiStore
from services.kpis.service_layer.folding import KpiFolder
from shared.consuming import BatchRunner, ConsumerHealth, RunnerOptions
from shared.consuming.deadletters import KafkaDeadLetters
from shared.kafka import MAX_RECORD_BYTES
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics

CONSUMER = "kpis"


def source_topics(settings: Settings) -> SourceTopics:
    topics = Topics.from_settings(settings)
    return SourceTopics(topics.interactions, topics.contacts, topics.analytics, topics.marketing)


def group_id(settings: Settings) -> str:
    return f"{settings.topic_prefix}c360-kpis"


def worker_health(settings: Settings) -> ConsumerHealth:
    return ConsumerHealth(CONSUMER, settings.stall_after_s)


def make_runner(
    settings: Settings,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    health: ConsumerHealth,
) -> BatchRunner:
    topics = source_topics(settings)
    deadletter = Topics.from_settings(settings).deadletter
    dead_letters = KafkaDeadLetters(producer, deadletter, CONSUMER, MAX_RECORD_BYTES)
    folder = KpiFolder(
        MongoKpiStore(db),
        topics,
        dead_letters,
        settings.kpis_churn_below,
        between_writes=pause_from_env(),
    )
    options = RunnerOptions(
        name=CONSUMER,
        group_id=group_id(settings),
        topics=topics.all(),
        max_records=1000,
        poll_ms=200,
        stall_after_s=settings.stall_after_s,
    )

    async def ping() -> None:
        await db.command("ping")

    return BatchRunner(settings, options, folder, dead_letters, health=health, probe=ping)
