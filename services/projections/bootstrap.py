"""Wiring: real adapters in; the query API app and the worker app out. Nothing connects at import.

Two processes, scaled independently:
- `python -m services.projections`: the query API on `projections_port` (8003);
- `python -m services.projections.worker`: the stream worker, with `/healthz`, `/readyz` and
  `/metrics` on `projections_worker_port` (8013).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.projections.adapters.audit_store import AuditStore
from services.projections.adapters.segments import (
    BackfillJobs,
    KafkaSegmentEvents,
    SegmentDefinitions,
)
from services.projections.adapters.store import ProjectionStore
from services.projections.entrypoints import console, console_contacts, screenpop
from services.projections.entrypoints.audit_worker import run_audit_projection
from services.projections.entrypoints.change_feed import ChangeFeed
from services.projections.entrypoints.http import audit, customers, segments
from services.projections.entrypoints.ringing_feed import RingingFeed
from services.projections.entrypoints.runner import run_worker, source_topics, worker_health
from services.projections.service_layer.queries import Queries
from services.projections.service_layer.segment_admin import SegmentAdmin
from services.projections.service_layer.segmenting import SegmentEvents
from services.projections.service_layer.switchboard import Switchboard
from services.projections.service_layer.view_cache import ViewCache
from shared.auth import access_from_settings
from shared.http.app import create_app
from shared.kafka import check_producer, make_producer
from shared.logging import get_logger
from shared.mongo import database, make_client, ping
from shared.privacy.blind import blind_index
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
BACKGROUND_POOL_SIZE = 16  # store connections of segment back-fills in the query API
API_DESCRIPTION = """The customer-360 view and timeline, folded from the Kafka log into MongoDB.
Reads are by `_id`; `min_position` makes a read wait (bounded) until an accepted event is
visible. Errors are `application/problem+json`."""


@dataclass
class Runtime:
    """What exists only while an app runs (aiokafka needs a running loop to be created)."""

    producer: AIOKafkaProducer | None = None
    worker_task: asyncio.Task[None] | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def worker_alive(self) -> None:
        if self.worker_task is None or self.worker_task.done():
            raise RuntimeError("the projection worker is not running")


def build_api(settings: Settings) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    runtime = Runtime()
    topics = Topics.from_settings(settings)
    cache = ViewCache(capacity=settings.projections_cache_size)
    feed = ChangeFeed(settings, db, source_topics(topics), topics.contacts, cache)
    interactions = httpx.AsyncClient(base_url=settings.interactions_url, timeout=30.0)
    contacts = httpx.AsyncClient(base_url=settings.contacts_url, timeout=30.0)
    queries = Queries(db, source_topics(topics), cache, blind_index(settings))
    switchboard = Switchboard()
    ringing = RingingFeed(settings, switchboard)

    async def started_producer() -> AIOKafkaProducer:
        # The API reads only the store and keeps answering while the broker is down; its
        # producer (health, and segment back-fills) connects on first use.
        if runtime.producer is None:
            producer = make_producer(settings)
            try:
                await producer.start()
            except Exception:
                await producer.stop()
                raise
            runtime.producer = producer
        return runtime.producer

    async def segment_events() -> SegmentEvents:
        return KafkaSegmentEvents(await started_producer(), topics.segments)

    # A segment back-fill scans every view with a chunk of writes in flight: it gets its own
    # small pool, so it cannot hold the connections the call-center lookups wait for.
    background = make_client(settings, maxPoolSize=BACKGROUND_POOL_SIZE)
    background_db = database(background, settings)

    async def background_store() -> ProjectionStore:
        return ProjectionStore(background_db, (await queries.store()).generation)

    admin = SegmentAdmin(SegmentDefinitions(db), BackfillJobs(db), background_store, segment_events)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        following = None
        if settings.projections_cache_size > 0:
            following = asyncio.create_task(feed.run(), name="near-cache-feed")
        screen_pops = asyncio.create_task(ringing.run(), name="ringing-feed")
        try:
            yield
        finally:
            screen_pops.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await screen_pops
            if following is not None:
                following.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await following
            await admin.close()
            if runtime.producer is not None:
                await runtime.producer.stop()
            await interactions.aclose()
            await contacts.aclose()
            await background.close()
            await client.close()

    async def kafka_ready() -> None:
        await started_producer()
        await runtime.kafka_ready()

    app = create_app(
        service="projections",
        title="c360 projections",
        description=API_DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[
            customers.router,
            segments.router,
            audit.router,
            console.router,
            console_contacts.router,
            screenpop.router,
        ],
        checks={"kafka": kafka_ready, "store": lambda: ping(client)},
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("projections", settings),
    )
    app.state.queries = queries
    app.state.switchboard = switchboard
    app.state.segments = admin
    app.state.default_region = settings.default_region
    app.state.audit_store = AuditStore(db)
    app.state.kpis_url = settings.kpis_url
    app.state.wrapup_codes = settings.wrapup_codes
    # one pooled client for the console's actions (connects on first use)
    app.state.interactions = interactions
    app.state.contacts = contacts
    return app


def build_worker(settings: Settings) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    runtime = Runtime()
    health = worker_health(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        runtime.worker_task = asyncio.create_task(
            run_worker(settings, db, producer, health), name="projection-worker"
        )
        runtime.worker_task.add_done_callback(_log_worker_exit)
        auditing = asyncio.create_task(
            run_audit_projection(settings, db, producer), name="audit-projection"
        )
        auditing.add_done_callback(_log_worker_exit)
        try:
            yield
        finally:
            for task in (runtime.worker_task, auditing):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await producer.stop()
            await client.close()

    return create_app(
        service="projections-worker",
        title="c360 projection worker",
        description="Folds the log into the customer-360 views. Health and metrics only.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[],
        checks={
            "kafka": runtime.kafka_ready,
            "store": lambda: ping(client),
            "worker": runtime.worker_alive,
            "consumer": health.check,
        },
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("projections-worker", settings),
    )


def _log_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("projection worker stopped", error=repr(task.exception()))
