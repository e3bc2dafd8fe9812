"""Wiring: real adapters in, the KPI app out (API, dashboard and the worker in one process).
Nothing connects at import.

`python -m services.kpis` serves `/v1/kpis/*` and `/dashboard` on `kpis_port` (8006) and folds
the log into the KPI aggregates in the background, as a member of the `c360-kpis` consumer
group: run several for more throughput (partitions bound the useful number).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.kpis.adapters.consumer import KpiConsumer
from services.kpis.adapters.deadletters import KafkaDeadLetters
from services.kpis.adapters.fault_points import pause_from_env
from services.kpis.adapters.records import SourceTopics
from services.kpis.adapters.store import MongoKpiStore
from services.kpis.entrypoints import http
from services.kpis.entrypoints.dashboard import routes as dashboard
from services.kpis.service_layer.folding import KpiFolder
from services.kpis.service_layer.queries import KpiQueries
from shared.http.app import create_app
from shared.http.observability import ReadinessCheck
from shared.kafka import check_producer, ensure_topics, make_producer
from shared.logging import get_logger
from shared.mongo import database, make_client, ping
from shared.settings import Settings
from shared.topics import CONTACTS, INFINITE, INTERACTIONS, MARKETING, Topics, TopicSpec

log = get_logger(__name__)
# Owned by the analytics service; declared here until its topic is in the shared catalog.
ANALYTICS = TopicSpec("c360.analytics", "customer id", {"retention.ms": INFINITE})
API_DESCRIPTION = """KPIs across the customer base, folded from the Kafka log: retention by
cohort, repeat purchase, CLV distribution and Pareto, acquisition cost, lead conversion, CSAT and
NPS, churn, complaints within SLA. Every KPI takes `from` and `to` (UTC days, both included).
Errors are `application/problem+json`. The manager's dashboard is at `/dashboard`."""


def source_topics(settings: Settings) -> SourceTopics:
    topics = Topics.from_settings(settings)
    return SourceTopics(
        topics.interactions, topics.contacts, topics.name(ANALYTICS), topics.marketing
    )


def group_id(settings: Settings) -> str:
    return f"{settings.topic_prefix}c360-kpis"


@dataclass
class Runtime:
    """What exists only while the app runs (aiokafka needs a running loop to be created)."""

    producer: AIOKafkaProducer | None = None
    worker: asyncio.Task[None] | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def worker_alive(self) -> None:
        if self.worker is None or self.worker.done():
            raise RuntimeError("the KPI worker is not running")


def build_app(settings: Settings, *, with_worker: bool = True) -> FastAPI:
    client = make_client(settings)
    store = MongoKpiStore(database(client, settings))
    runtime = Runtime()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        if with_worker:
            await ensure_topics(settings, [INTERACTIONS, CONTACTS, ANALYTICS, MARKETING])
            runtime.worker = asyncio.create_task(_run_worker(settings, store, producer))
        try:
            yield
        finally:
            if runtime.worker is not None:
                runtime.worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runtime.worker
            await producer.stop()
            await client.close()

    checks: dict[str, ReadinessCheck] = {
        "kafka": runtime.kafka_ready,
        "store": lambda: ping(client),
    }
    if with_worker:
        checks["worker"] = runtime.worker_alive
    app = create_app(
        service="kpis",
        title="c360 KPIs",
        description=API_DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[http.router, dashboard.router],
        checks=checks,
        max_body_bytes=settings.max_body_bytes,
    )
    app.state.queries = KpiQueries(store, settings.kpis_churn_below)
    app.state.console_url = f"{settings.projections_url}/console"
    return app


async def _run_worker(settings: Settings, store: MongoKpiStore, producer: AIOKafkaProducer) -> None:
    topics = source_topics(settings)
    dead_letters = KafkaDeadLetters(producer, Topics.from_settings(settings).deadletter)
    folder = KpiFolder(
        store, topics, dead_letters, settings.kpis_churn_below, between_writes=pause_from_env()
    )
    consumer = KpiConsumer(settings, group_id(settings), topics.all(), folder)
    try:
        await consumer.run()
    except Exception as exc:
        log.error("KPI worker stopped", error=repr(exc))
        raise
