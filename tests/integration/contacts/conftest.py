"""A contact store (journal, index, outbox) on the test's own topics and database."""

from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.identity.resolver import MongoIdentityResolver
from shared.identity.store import ContactStore
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics


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
def resolver(store: ContactStore) -> MongoIdentityResolver:
    return MongoIdentityResolver(store)
