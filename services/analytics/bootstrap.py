"""Wiring: real adapters in, the analytics app out (API on `analytics_port`, 8005, plus the
stream worker and the schedule in the same process). Nothing connects at import.

Within a process a batch and a population-wide rescoring share one lock. Replicas split the
partitions of the consumer group; each also runs the schedule, whose rescoring is idempotent
(the same scores give the same event ids), so extra replicas repeat work but publish nothing new.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.analytics.adapters.history_store import ActiveHistoryStore
from services.analytics.adapters.model_store import MongoModelStore, MongoScoreStore
from services.analytics.adapters.publisher import KafkaScorePublisher
from services.analytics.adapters.segments import ProjectionsSegments
from services.analytics.domain.clv import Assumptions
from services.analytics.entrypoints.http import clv, rfm
from services.analytics.entrypoints.schedule import scheduled
from services.analytics.entrypoints.worker import run_worker, worker_health
from services.analytics.service_layer.analysis import Analysis
from services.analytics.service_layer.scoring import Scorer, ScoringSettings
from shared.auth import access_from_settings
from shared.auth.client import ServiceAuth
from shared.http.app import create_app
from shared.kafka import check_producer, make_producer
from shared.logging import get_logger
from shared.mongo import database, make_client, ping
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
PROJECTIONS_TIMEOUT_S = 30.0  # a large segment's members come in pages of 1,000
API_DESCRIPTION = """RFM scores and cells, the Pareto figure, and BG/NBD + Gamma-Gamma lifetime
value, from purchase histories folded from the log. Scores are published as
`c360.analytics.scored` on `c360.analytics`. Errors are `application/problem+json`."""


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    producer: AIOKafkaProducer | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def worker_alive(self) -> None:
        # the first task is the stream worker; a schedule that is turned off ends at once
        if not self.tasks or self.tasks[0].done():
            raise RuntimeError("the analytics worker is not running")


def build_app(settings: Settings) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    topics = Topics.from_settings(settings)
    runtime = Runtime()
    health = worker_health(settings)
    histories = ActiveHistoryStore(db)
    scores = MongoScoreStore(db)
    models = MongoModelStore(db)
    scoring = ScoringSettings(
        settings.analytics_currency,
        Assumptions(settings.analytics_annual_discount_rate, settings.analytics_margin),
    )
    scorer_box: dict[str, Scorer] = {}

    async def analysis() -> Analysis:
        return app.state.analysis  # type: ignore[no-any-return]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        projections = httpx.AsyncClient(
            base_url=settings.projections_url,
            timeout=PROJECTIONS_TIMEOUT_S,
            auth=ServiceAuth(settings) if settings.auth_enabled else None,
        )
        publisher = KafkaScorePublisher(producer, topics.analytics)
        scorer = scorer_box["scorer"] = Scorer(histories, scores, models, publisher, now, scoring)
        segments = ProjectionsSegments(projections)
        app.state.analysis = Analysis(histories, scores, models, scorer, segments)
        work = [run_worker(settings, db, producer, scorer, health), *scheduled(settings, analysis)]
        runtime.tasks = [asyncio.create_task(w) for w in work]  # type: ignore[arg-type]
        for task in runtime.tasks:
            task.add_done_callback(_log_exit)
        try:
            yield
        finally:
            for task in runtime.tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*runtime.tasks, return_exceptions=True)
            await producer.stop()
            await projections.aclose()
            await client.close()

    app = create_app(
        service="analytics",
        title="c360 analytics",
        description=API_DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[rfm.router, clv.router],
        checks={
            "kafka": runtime.kafka_ready,
            "store": lambda: ping(client),
            "worker": runtime.worker_alive,
            "consumer": health.check,
        },
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("analytics", settings),
    )
    app.state.scores = scores
    return app


def _log_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("analytics background work stopped", error=repr(task.exception()))
