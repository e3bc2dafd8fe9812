"""A private Kafka broker for tests that restart it: colleagues' tests keep the shared one."""

from collections.abc import Iterator

import pytest

from tests.infra import Infra
from tests.private_stack import PrivateKafka, running_privately
from tests.processes import free_port


@pytest.fixture(scope="session")
def private_kafka(infra: Infra) -> Iterator[PrivateKafka]:
    with running_privately(
        PrivateKafka,
        "kafka",
        "C360_KAFKA_PORT",
        C360_KAFKA_CONTROLLER_PORT=str(free_port()),
        C360_KAFKA_HEAP="-Xms256m -Xmx512m",
        C360_STOP_TIMEOUT="60",
    ) as kafka:
        yield kafka
