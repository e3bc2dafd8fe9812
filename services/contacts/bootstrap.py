"""Wiring: the real store and broker in, the contacts FastAPI app out. Nothing connects at import.

The Kafka producer is created in the lifespan (aiokafka needs the running loop); the contact
store's heartbeat and outbox recovery run for as long as the app does.
"""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.contacts.adapters.dead_letters import DeadLetterTopic
from services.contacts.adapters.fault_points import pause_hook_from_env
from services.contacts.adapters.store import ContactStore
from services.contacts.entrypoints import (
    contacts,
    duplicates,
    identities,
    merges,
    subject_access,
)
from services.contacts.entrypoints.problems import install_contact_problems
from services.contacts.service_layer.batch_resolution import BatchResolution
from services.contacts.service_layer.contacts import Contacts
from services.contacts.service_layer.erasure import Erasure
from services.contacts.service_layer.identities import Identities
from services.contacts.service_layer.merges import Merges
from services.contacts.service_layer.resolver import IdentityResolver
from shared.auth import access_from_settings
from shared.http.app import create_app
from shared.kafka import check_producer, ensure_topics, make_producer
from shared.mongo import database, make_client, ping
from shared.privacy.subject_access import Owners
from shared.settings import Settings
from shared.topics import CONTACTS, DEADLETTER

DESCRIPTION = """Customer master data and identity: every email, phone and external id resolves to
exactly one customer; merges are explicit, recorded and reversible; consent is kept per channel.
Every accepted change is one event on `c360.contacts`, keyed by customer id."""
# A subject-access export reads the projections and the notifier; a page that takes longer is down.
OWNERS_TIMEOUT_SECONDS = 30.0


@dataclass
class Runtime:
    producer: AIOKafkaProducer | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)


def build_app(settings: Settings) -> FastAPI:
    client = make_client(settings)
    db = database(client, settings)
    runtime = Runtime()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings, [CONTACTS, DEADLETTER])  # an erasure reads the dead letters
        producer = runtime.producer = make_producer(settings)
        await producer.start()
        store = ContactStore(db, producer, settings)
        store.journal.step_hook = pause_hook_from_env()
        await store.start()
        app.state.contacts = Contacts(store)
        app.state.identities = Identities(app.state.contacts)
        app.state.erasure = Erasure(app.state.contacts, DeadLetterTopic(settings, db))
        app.state.merges = Merges(store)
        app.state.resolver = IdentityResolver(store)
        app.state.batch_resolution = BatchResolution(app.state.resolver)
        app.state.duplicates = store.duplicates
        app.state.owners = Owners(settings.projections_url, settings.notifier_url)
        app.state.owners_http = httpx.AsyncClient(timeout=OWNERS_TIMEOUT_SECONDS)
        try:
            yield
        finally:
            await app.state.owners_http.aclose()
            await store.stop()
            await producer.stop()
            await client.close()

    app = create_app(
        service="contacts",
        title="c360 contacts",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        routers=[
            merges.router,
            subject_access.router,
            contacts.router,
            identities.router,
            duplicates.router,
        ],
        checks={"kafka": runtime.kafka_ready, "store": lambda: ping(client)},
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("contacts", settings),
    )
    install_contact_problems(app)
    return app
