"""Every Kafka client starts from one connection: plain without a principal, SASL/SCRAM with one."""

from pydantic import SecretStr

from shared.kafka import connection
from shared.settings import Settings


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
