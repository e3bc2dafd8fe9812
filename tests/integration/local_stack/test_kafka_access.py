"""The local broker's access control, on a private broker that starts the way an earlier install
left it (formatted PLAINTEXT, without SCRAM users) and is then brought up with SASL: the upgrade
keeps the old log directory aside, formats with every principal, and grants the table of
shared/kafka_access.py. Then the broker itself refuses what a principal was not granted."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from pydantic import SecretStr

from shared.kafka import ensure_topics, make_producer, make_reader
from shared.kafka_access import ADAPTER, ADMIN, local_password
from shared.settings import Settings
from shared.topics import Topics
from tests.infra import Infra
from tests.private_stack import PrivateKafka, running_privately
from tests.processes import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def upgraded_kafka(infra: Infra) -> Iterator[PrivateKafka]:
    with running_privately(
        PrivateKafka,
        "kafka",
        "C360_KAFKA_PORT",
        C360_KAFKA_CONTROLLER_PORT=str(free_port()),
        C360_KAFKA_HEAP="-Xms256m -Xmx512m",
        C360_KAFKA_SASL="false",
    ) as earlier:
        secured = replace(earlier, env=earlier.env | {"C360_KAFKA_SASL": "true"})
        # `up` finds the broker started without SASL, restarts it, and upgrades its data.
        secured.start()
        yield secured


def as_principal(kafka: PrivateKafka, name: str, password: str | None = None) -> Settings:
    return Settings(
        kafka_bootstrap=kafka.bootstrap,
        kafka_username=name,
        kafka_password=SecretStr(password or local_password(name)),
    )


@pytest.fixture
async def catalog_on(upgraded_kafka: PrivateKafka) -> Topics:
    await ensure_topics(as_principal(upgraded_kafka, ADMIN))
    return Topics()


def test_the_upgrade_kept_the_unsecured_log_directory_aside(upgraded_kafka: PrivateKafka) -> None:
    data = Path(upgraded_kafka.env["C360_STATE_DIR"]) / f"kafka-{upgraded_kafka.port}"
    aside = [p.name for p in data.iterdir() if p.name.startswith("data-before-sasl-")]
    assert len(aside) == 1
    assert (data / aside[0] / "meta.properties").is_file()
    assert (data / "scram-users").read_text() == "SCRAM-SHA-256"


async def test_an_adapter_produces_to_the_ingress_and_is_refused_the_interactions_topic(
    upgraded_kafka: PrivateKafka, catalog_on: Topics
) -> None:
    producer = make_producer(as_principal(upgraded_kafka, ADAPTER), request_timeout_ms=15_000)
    await producer.start()
    try:
        written = await producer.send_and_wait(catalog_on.ingress, b"{}", key=b"k")
        assert written.offset >= 0
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(catalog_on.interactions, b"{}", key=b"k")
    finally:
        await producer.stop()


async def read_one_partition(settings: Settings, topic: str) -> int:
    reader = make_reader(settings)
    await reader.start()
    try:
        partition = TopicPartition(topic, 0)
        reader.assign([partition])
        await reader.seek_to_beginning(partition)
        return sum(len(r) for r in (await reader.getmany(timeout_ms=2_000)).values())
    finally:
        await reader.stop()


async def test_a_service_reads_its_topics_and_is_refused_one_it_does_not_need(
    upgraded_kafka: PrivateKafka, catalog_on: Topics
) -> None:
    admin = make_producer(as_principal(upgraded_kafka, ADMIN))
    await admin.start()
    try:
        await admin.send_and_wait(catalog_on.interactions, b"{}", key=b"k", partition=0)
    finally:
        await admin.stop()
    notifier = as_principal(upgraded_kafka, "c360-notifier")
    assert await read_one_partition(notifier, catalog_on.interactions) >= 1
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one_partition(notifier, catalog_on.audit)


async def test_a_wrong_password_is_refused(upgraded_kafka: PrivateKafka) -> None:
    producer = make_producer(as_principal(upgraded_kafka, ADAPTER, password="not-its-password"))
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


async def test_clients_without_a_working_scram_may_sign_in_with_plain_as_the_same_principal(
    upgraded_kafka: PrivateKafka, catalog_on: Topics
) -> None:
    plain = as_principal(upgraded_kafka, ADAPTER).model_copy(
        update={"kafka_sasl_mechanism": "PLAIN"}
    )
    producer = make_producer(plain, request_timeout_ms=15_000)
    await producer.start()
    try:
        assert (await producer.send_and_wait(catalog_on.ingress, b"{}", key=b"k")).offset >= 0
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(catalog_on.interactions, b"{}", key=b"k")
    finally:
        await producer.stop()
