"""Every Kafka client starts from one connection: plain without a principal, SASL/SCRAM with one."""

import pytest
from pydantic import SecretStr

from shared.kafka import connection
from shared.settings import Settings


@pytest.fixture(autouse=True)
def no_principal_from_the_test_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test session signs in to a SASL broker through the environment; these tests say
    what a service does with its own settings, so that principal must not leak into them."""
    for name in ("C360_KAFKA_USERNAME", "C360_KAFKA_PASSWORD", "C360_KAFKA_SASL"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_username_clients_connect_plainly() -> None:
    assert connection(Settings(kafka_bootstrap="k:9092")) == {"bootstrap_servers": "k:9092"}


def test_with_a_username_every_client_authenticates_with_scram() -> None:
    settings = Settings(
        kafka_bootstrap="k:9092",
        kafka_username="c360-notifier",
        kafka_password=SecretStr("s3cret"),
    )
    assert connection(settings) == {
        "bootstrap_servers": "k:9092",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "c360-notifier",
        "sasl_plain_password": "s3cret",
    }
