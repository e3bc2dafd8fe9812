"""Session-wide access to the real services, and per-test isolation by names, not cleanup."""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack

import pytest
from aiokafka import AIOKafkaProducer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pymongo import AsyncMongoClient, MongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from shared.kafka import ensure_topics, make_producer
from shared.mongo import Document, make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.infra import (
    TEST_SECRETS,
    Infra,
    InfraUnavailable,
    delete_topics,
    docker,
    native_or_external,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_PARTITIONS = 3

# CI shares 2 cores with the broker, the store and the services: a slow example is load, not a
# bug. So no deadline, no health check about slow generation or data, and the same examples on
# every run (a failure reproduces; the database of examples is not kept between CI runs).
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
if IN_CI:
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """The real broker and store. In CI a missing service fails the run instead of skipping."""
    backend = os.environ.get("C360_TEST_BACKEND", "native")
    with ExitStack() as stack:
        try:
            found = docker(stack) if backend == "docker" else native_or_external(backend)
        except (InfraUnavailable, ImportError) as exc:
            if IN_CI:
                pytest.fail(f"CI=true and the infrastructure is missing: {exc}", pytrace=False)
            pytest.skip(f"infrastructure unavailable ({backend}): {exc}")
        os.environ["C360_KAFKA_BOOTSTRAP"] = found.kafka_bootstrap
        os.environ["C360_MONGODB_URI"] = found.mongodb_uri
        # Every Settings of the tests, and every service they start, connect as this principal.
        os.environ.update(found.kafka_env)
        yield found


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def settings(infra: Infra) -> Iterator[Settings]:
    """Settings for one test: its own topic prefix and database.

    Names isolate tests; the database and topics are removed afterwards only to keep the store
    and the broker lean (FerretDB slows down as databases pile up, and a broker with thousands of
    partitions restarts slowly)."""
    run = unique()
    # Access control is proven by tests/unit/auth (every route x every role) and
    # tests/integration/auth (the real provider); the rest test their own behaviour.
    test_settings = Settings(
        environment="test",
        **TEST_SECRETS,
        auth_enabled=False,
        kafka_bootstrap=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
        topic_prefix=f"{run}.",
        database=f"c360_{run}",
        topic_partitions=TEST_PARTITIONS,
    )
    yield test_settings
    delete_topics(test_settings, test_settings.topic_prefix)
    client: MongoClient[Document] = MongoClient(infra.mongodb_uri, serverSelectionTimeoutMS=5_000)
    try:
        client.drop_database(test_settings.database)
    except PyMongoError:
        pass  # housekeeping only: a test that left the store down has already reported it
    finally:
        client.close()


@pytest.fixture
def topics(settings: Settings) -> Topics:
    return Topics.from_settings(settings)


@pytest.fixture
async def catalog(settings: Settings, topics: Topics) -> Topics:
    """The test's topics, created in the broker with the catalog's settings."""
    await ensure_topics(settings)
    return topics


@pytest.fixture
async def producer(settings: Settings) -> AsyncIterator[AIOKafkaProducer]:
    prod = make_producer(settings)
    await prod.start()
    yield prod
    await prod.stop()


@pytest.fixture
async def mongo_client(settings: Settings) -> AsyncIterator[AsyncMongoClient[Document]]:
    client = make_client(settings)
    yield client
    await client.close()


@pytest.fixture
def db(mongo_client: AsyncMongoClient[Document], settings: Settings) -> AsyncDatabase[Document]:
    return mongo_client[settings.database]
