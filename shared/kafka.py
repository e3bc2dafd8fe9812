"""Kafka plumbing: a durable producer, manual-commit consumers, topic creation, dead letters."""

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import Settings
from shared.topics import CATALOG, Topics, TopicSpec, topic_config

log = logging.getLogger(__name__)
MAX_RECORD_BYTES = 1024 * 1024


def connection(settings: Settings) -> dict[str, object]:
    """Where the broker is and who we are to it: every Kafka client c360 builds starts here."""
    options: dict[str, object] = {"bootstrap_servers": settings.kafka_bootstrap}
    if settings.kafka_username:
        options |= {
            "security_protocol": settings.kafka_security_protocol,
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_username,
            "sasl_plain_password": settings.kafka_password.get_secret_value(),
        }
    return options


def make_admin(settings: Settings, **overrides: object) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**(connection(settings) | overrides))


def make_reader(settings: Settings, **overrides: object) -> AIOKafkaConsumer:
    """A consumer outside any group, for assigned partitions (scans, tails, probes)."""
    options = connection(settings) | {"group_id": None, "enable_auto_commit": False}
    return AIOKafkaConsumer(**(options | overrides))


def make_producer(settings: Settings, **overrides: object) -> AIOKafkaProducer:
    """acks=all and idempotence: an acknowledged record is on every in-sync replica, once."""
    options: dict[str, object] = {
        **connection(settings),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 2,
        "max_batch_size": 256 * 1024,
        "max_request_size": MAX_RECORD_BYTES,
        "request_timeout_ms": 30_000,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


# How long the broker holds a fetch that finds no record. A record ends the wait at once, so a
# longer wait costs no latency; it only spares an idle consumer (and the broker) a round trip
# every 0.5 s (aiokafka's default); 2 s keeps a rebalance or a seek from waiting long on one.
IDLE_FETCH_WAIT_MS = 2_000


def make_consumer(
    settings: Settings, group_id: str, *topics: str, **overrides: object
) -> AIOKafkaConsumer:
    """A consumer-group member that commits only what it has durably processed."""
    options: dict[str, object] = {
        **connection(settings),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
        "fetch_max_wait_ms": IDLE_FETCH_WAIT_MS,
    }
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)


async def ensure_topics(
    settings: Settings, specs: Iterable[TopicSpec] = CATALOG, partitions: int | None = None
) -> list[str]:
    """Create the catalog's topics that are missing; returns the names created."""
    topics = Topics.from_settings(settings)
    admin = make_admin(settings)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=topics.name(spec),
                num_partitions=partitions or settings.topic_partitions,
                replication_factor=settings.topic_replication,
                topic_configs=topic_config(spec),
            )
            for spec in specs
            if topics.name(spec) not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                log.info("topics created concurrently by another process")
        return [t.name for t in wanted]
    finally:
        await admin.close()


async def partitions_of(settings: Settings, topics: list[str]) -> list[TopicPartition]:
    """Every partition of `topics`, from the broker's metadata; LookupError names missing ones."""
    admin = make_admin(settings)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    missing = [d["topic"] for d in described if d["error_code"] or not d["partitions"]]
    if missing:
        raise LookupError(
            f"topics not found: {', '.join(missing)} (create them with `c360 topics`)"
        )
    return [
        TopicPartition(d["topic"], p["partition"])
        for d in described
        for p in sorted(d["partitions"], key=lambda p: p["partition"])
    ]


def dead_letter_headers(
    *, topic: str, partition: int, offset: int, kind: str, message: str
) -> list[tuple[str, bytes]]:
    """Headers of a dead-letter record: where it came from and why it was rejected."""
    return [
        ("c360-original-topic", topic.encode()),
        ("c360-original-partition", str(partition).encode()),
        ("c360-original-offset", str(offset).encode()),
        ("c360-error-kind", kind.encode()),
        ("c360-error-message", message[:4000].encode()),
    ]


async def check_producer(producer: AIOKafkaProducer) -> None:
    """Readiness: the producer can fetch cluster metadata right now."""
    await producer.client.fetch_all_metadata()
