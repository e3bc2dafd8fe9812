"""The command line's settings: the `c360-ops` Kafka principal on a development machine."""

from shared.kafka_access import OPS, as_local_principal
from shared.settings import Settings


def ops_settings() -> Settings:
    return as_local_principal(Settings(), OPS)
