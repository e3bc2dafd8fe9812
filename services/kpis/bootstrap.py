"""Wiring: real adapters in, the KPI app out (API, dashboard and the worker in one process).
Nothing connects at import.

`python -m services.kpis` serves `/v1/kpis/*` and `/dashboard` on `kpis_port` (8006) and folds
the log into the KPI aggregates in the background (`entrypoints/worker.py`), as a member of
the `c360-kpis` consumer group: run several for more throughput (partitions bound the useful
number).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.kpis.adapters.store import MongoKpiStore
from services.kpis.entrypoints import http
from services.kpis.entrypoints.dashboard import routes as dashboard
from services.kpis.entrypoints.worker import make_runner, worker_health
from services.kpis.service_layer.queries import KpiQueries
from shared.auth import access_from_settings
from shared.http.app import create_app
from shared.http.observability import ReadinessCheck
from shared.kafka import check_producer, ensure_topics, make_producer
from shared.logging import get_logger
from shared.mongo import database, make_client, ping
from shared.settings import Settings
from shared.topics import ANALYTICS, CONTACTS, INTERACTIONS, MARKETING

log = get_logger(__name__)
API_DESCRIPTION = """KPIs across the customer base, folded from the Kafka log: retention by
cohort, repeat purchase, CLV distribution and Pareto, acquisition cost, lead conversion, CSAT and
NPS, churn, complaints within SLA. Every KPI takes `from` and `to` (UTC days, both included).
Errors are `application/problem+json`. The manager's dashboard is at `/dashboard`."""


@dataclass
class Runtime:
    """What exists only while the app runs (aiokafka needs a running loop to be created)."""

    producer: AIOKafkaProducer | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)


def build_app(settings: Settings, *, with_worker: bool = True) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    runtime = Runtime()
    health = worker_health(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        working = None
        if with_worker:
            await ensure_topics(settings, [INTERACTIONS, CONTACTS, ANALYTICS, MARKETING])
            runner = make_runner(settings, db, producer, health)
            working = asyncio.create_task(runner.run(), name="kpi-worker")
            working.add_done_callback(_log_worker_exit)
        try:
            yield
        finally:
            if working is not None:
                working.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await working
            await producer.stop()
            await client.close()

    checks: dict[str, ReadinessCheck] = {
        "kafka": runtime.kafka_ready,
        "store": lambda: ping(client),
    }
    if with_worker:
        checks["consumer"] = health.check
    app = create_app(
        service="kpis",
        title="c360 KPIs",
        description=API_DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[http.router, dashboard.router],
        checks=checks,
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("kpis", settings),
    )
    app.state.queries = KpiQueries(MongoKpiStore(db), settings.kpis_churn_below)
    app.state.console_url = f"{settings.projections_url}/console"
    app.state.dashboard_client_id = settings.auth_dashboard_client_id
    return app


def _log_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("KPI worker stopped", error=repr(task.exception()))
