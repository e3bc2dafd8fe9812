"""A contact store (journal, index, outbox) on the test's own topics and database."""

from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.store import ContactStore
from services.contacts.bootstrap import build_app
from services.contacts.service_layer.resolver import IdentityResolver
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.processes import free_port


@pytest.fixture
async def store(
    settings: Settings,
    catalog: Topics,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
) -> AsyncIterator[ContactStore]:
    contact_store = ContactStore(db, producer, settings)
    await contact_store.start()
    yield contact_store
    await contact_store.stop()


@pytest.fixture
def resolver(store: ContactStore) -> IdentityResolver:
    return IdentityResolver(store)


@pytest.fixture
async def api(settings: Settings, catalog: Topics) -> AsyncIterator[httpx.AsyncClient]:
    """The contacts app in-process, its lifespan running, on the test's topics and database. The
    other owners of a person's data (read by the export) are on closed ports: nobody answers."""
    nobody = f"http://127.0.0.1:{free_port()}"
    closed = {"projections_url": nobody, "notifier_url": nobody}
    app = build_app(settings.model_copy(update={"max_body_bytes": 4096, **closed}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://contacts") as client:
            yield client
