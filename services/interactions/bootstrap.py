"""Wiring: the real broker, store and contacts service in, the interactions app out.

Nothing connects at import; the producer, the client of the contacts service and the ingress
agent start in the lifespan (aiokafka needs the running loop) and stop with it. Tests may hand
in the transport to the contacts service (e.g. the contacts app in-process).
"""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.interactions.adapters.coalescing import CoalescingLedger
from services.interactions.adapters.contacts_api import ContactsApi
from services.interactions.adapters.kafka_log import KafkaInteractionLog
from services.interactions.adapters.ledger import MongoLedger
from services.interactions.adapters.ringing import KafkaRingingLog
from services.interactions.entrypoints import calls, contract, events, examples
from services.interactions.entrypoints.housekeeping import prune_receipts
from services.interactions.entrypoints.ingress import ingress_runner, run_until
from services.interactions.service_layer.ingestion import Ingestion
from shared.auth import access_from_settings
from shared.auth.client import ServiceAuth
from shared.concurrency import within
from shared.consuming import BatchRunner
from shared.events.calls import CallRinging
from shared.http.app import create_app
from shared.http.calls import JsonCalls, ServiceCalls
from shared.http.event_schemas import install_event_schemas
from shared.kafka import check_producer, ensure_topics, make_producer
from shared.mongo import database, make_client, ping
from shared.privacy.local import keyring
from shared.settings import Settings
from shared.topics import CALLS, DEADLETTER, INGRESS, INTERACTIONS, MARKETING, Topics

DESCRIPTION = """Touchpoint ingestion for channel adapters (PBX, mail gateway, web shop, ticketing,
survey tool). Each CloudEvent is validated, its customer resolved, and it is published to
`c360.interactions` keyed by customer id; the answer comes only after Kafka acknowledged it.
Resending an event with the same `id` returns the original answer and has no second effect.
Adapters may also publish to the Kafka topic `c360.ingress` (structured or binary mode)."""
STOP_TIMEOUT_S = 10.0
# A first sighting may wait for an unfinished one of another process (seconds), so reads get
# more time than connecting; an answer that never comes makes the batch unavailable, not lost.
CONTACTS_TIMEOUT_S, CONTACTS_CONNECT_TIMEOUT_S = 30.0, 5.0


@dataclass
class Runtime:
    producer: AIOKafkaProducer | None = None
    agent: BatchRunner | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def ingress_ready(self) -> None:
        if self.agent is None:
            raise RuntimeError("the ingress agent is not started")
        await self.agent.health.check()


def build_app(settings: Settings, contacts_calls: JsonCalls | None = None) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    topics = Topics.from_settings(settings)
    runtime = Runtime()
    asking = contacts_calls or ServiceCalls(
        settings.contacts_url,
        ServiceAuth(settings) if settings.auth_enabled else None,
        timeout_s=CONTACTS_TIMEOUT_S,
        connect_timeout_s=CONTACTS_CONNECT_TIMEOUT_S,
        connections=32,
    )
    contacts = ContactsApi(asking, settings.identity_cache_ttl_seconds)
    max_future_skew = timedelta(seconds=settings.event_max_future_skew_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings, [INGRESS, INTERACTIONS, DEADLETTER, MARKETING, CALLS])
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        ledger = MongoLedger(db)
        grouped = CoalescingLedger(ledger)
        app.state.max_future_skew = max_future_skew
        app.state.ringing = KafkaRingingLog(producer, topics.calls)
        app.state.wrapup_codes = settings.wrapup_codes
        ingestion = app.state.ingestion = Ingestion(
            contacts,
            KafkaInteractionLog(
                producer, topics.interactions, topics.marketing, keyring(settings, db)
            ),
            grouped,
            takeover_after_s=settings.interactions_claim_takeover_seconds,
        )
        agent = runtime.agent = ingress_runner(settings, ingestion, producer, max_future_skew)
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(run_until(agent, stop), name="ingress-agent"),
            asyncio.create_task(
                prune_receipts(ledger, settings.interactions_receipt_days, stop), name="prune"
            ),
        ]
        # Startup objects (models, schemas, clients) never die: keeping them out of the cyclic
        # collector's scans makes large batches markedly cheaper.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            stop.set()
            await asyncio.wait(tasks, timeout=STOP_TIMEOUT_S)
            await within(ingestion.drain(), STOP_TIMEOUT_S)
            await producer.stop()
            await asking.close()
            await client.close()

    app = create_app(
        service="interactions",
        title="c360 interactions",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[events.router, calls.router, contract.router],
        checks={
            "kafka": runtime.kafka_ready,
            "store": lambda: ping(client),
            "ingress": runtime.ingress_ready,
            "contacts": contacts.ready,
        },
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("interactions", settings),
    )
    install_event_schemas(app, [*examples.intake_models(), CallRinging])
    return app
