"""Faust applications, configured the same way for every worker.

faust-streaming has known offset bugs with agent concurrency > 1, so every agent runs with
concurrency 1 and every effect it has is idempotent.
"""

import faust

from shared.settings import Settings


def credentials(settings: Settings) -> faust.SASLCredentials | None:
    """The principal of shared.kafka.connection, as Faust takes it."""
    if not settings.kafka_username:
        return None
    return faust.SASLCredentials(
        username=settings.kafka_username,
        password=settings.kafka_password.get_secret_value(),
        mechanism=settings.kafka_sasl_mechanism,
    )


def make_faust_app(app_id: str, settings: Settings, *, web_port: int) -> faust.App:
    return faust.App(
        f"{settings.topic_prefix}{app_id}",
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=credentials(settings),
        store="memory://",
        autodiscover=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        topic_allow_declare=False,
        topic_disable_leader=True,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=500,
        broker_commit_interval=1.0,
        stream_wait_empty=True,
        web_enabled=True,
        web_bind="127.0.0.1",
        web_port=web_port,
        web_in_thread=False,
    )
