"""Wiring: the real broker, store and identity resolver in, the interactions app out.

Nothing connects at import; the producer, the contact store and the ingress agent start in the
lifespan (aiokafka needs the running loop) and stop with it.
"""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.interactions.adapters.coalescing import CoalescingLedger
from services.interactions.adapters.kafka_log import DeadLetters, KafkaInteractionLog
from services.interactions.adapters.ledger import MongoLedger
from services.interactions.entrypoints import events
from services.interactions.entrypoints.housekeeping import prune_receipts
from services.interactions.entrypoints.ingress import IngressAgent, consumer_group
from services.interactions.service_layer.ingestion import Ingestion
from shared.auth import access_from_settings
from shared.http.app import create_app
from shared.identity.resolver import MongoIdentityResolver
from shared.identity.store import ContactStore
from shared.kafka import check_producer, ensure_topics, make_consumer, make_producer
from shared.mongo import database, make_client, ping
from shared.settings import Settings
from shared.topics import CONTACTS, DEADLETTER, INGRESS, INTERACTIONS, Topics

DESCRIPTION = """Touchpoint ingestion for channel adapters (PBX, mail gateway, web shop, ticketing,
survey tool). Each CloudEvent is validated, its customer resolved, and it is published to
`c360.interactions` keyed by customer id; the answer comes only after Kafka acknowledged it.
Resending an event with the same `id` returns the original answer and has no second effect.
Adapters may also publish to the Kafka topic `c360.ingress` (structured or binary mode)."""
STOP_TIMEOUT_S = 10.0


@dataclass
class Runtime:
    producer: AIOKafkaProducer | None = None
    agent: IngressAgent | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def ingress_ready(self) -> None:
        if self.agent is None:
            raise RuntimeError("the ingress agent is not started")
        await self.agent.ready()


def build_app(settings: Settings) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    topics = Topics.from_settings(settings)
    runtime = Runtime()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings, [INGRESS, INTERACTIONS, CONTACTS, DEADLETTER])
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        store = ContactStore(db, producer, settings)
        await store.start()
        ledger = MongoLedger(db)
        grouped = CoalescingLedger(ledger)
        ingestion = app.state.ingestion = Ingestion(
            MongoIdentityResolver(store),
            KafkaInteractionLog(producer, topics.interactions),
            grouped,
            takeover_after_s=settings.interactions_claim_takeover_seconds,
        )
        agent = runtime.agent = IngressAgent(
            lambda: make_consumer(settings, consumer_group(settings), topics.ingress),
            ingestion,
            DeadLetters(producer, topics.deadletter),
        )
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(agent.run_forever(stop), name="ingress-agent"),
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
            await asyncio.wait_for(ingestion.drain(), STOP_TIMEOUT_S)
            await store.stop()
            await producer.stop()
            await client.close()

    return create_app(
        service="interactions",
        title="c360 interactions",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[events.router],
        checks={
            "kafka": runtime.kafka_ready,
            "store": lambda: ping(client),
            "ingress": runtime.ingress_ready,
        },
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("interactions", settings),
    )
