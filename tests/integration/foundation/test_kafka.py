"""The real broker: catalog topics, a CloudEvent produced with acks=all and read back in a group."""

import orjson
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.events import STRUCTURED_HEADERS, decode_kafka_record, encode_event
from shared.kafka import ensure_topics, make_admin, make_consumer
from shared.settings import Settings
from shared.topics import CATALOG, Topics, topic_config
from tests.conftest import TEST_PARTITIONS
from tests.factories import purchase

pytestmark = pytest.mark.integration


async def test_catalog_topics_are_created_with_their_settings(settings: Settings) -> None:
    created = await ensure_topics(settings)
    topics = Topics.from_settings(settings)
    assert sorted(created) == sorted(topics.name(spec) for spec in CATALOG)
    assert await ensure_topics(settings) == []  # idempotent: nothing left to create

    admin = make_admin(settings)
    await admin.start()
    try:
        described = await admin.describe_topics([topics.name(spec) for spec in CATALOG])
        assert {t["topic"]: len(t["partitions"]) for t in described} == {
            topics.name(spec): TEST_PARTITIONS for spec in CATALOG
        }
        resources = [ConfigResource(ConfigResourceType.TOPIC, topics.name(s)) for s in CATALOG]
        responses = await admin.describe_configs(resources)
    finally:
        await admin.close()
    actual = {
        name: {entry[0]: entry[1] for entry in entries}
        for response in responses
        for _, _, _, name, entries in response.resources
    }
    for spec in CATALOG:
        for key, value in topic_config(spec).items():
            assert actual[topics.name(spec)][key] == value, (spec.base_name, key)


async def test_cloudevent_round_trip_through_a_consumer_group(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    event = purchase()
    metadata = await producer.send_and_wait(
        catalog.interactions, encode_event(event), key=b"c_1", headers=STRUCTURED_HEADERS
    )
    assert metadata.offset >= 0

    consumer = make_consumer(settings, f"{settings.topic_prefix}round-trip", catalog.interactions)
    await consumer.start()
    try:
        record = await consumer.getone()
        await consumer.commit()
        committed = await consumer.committed(TopicPartition(record.topic, record.partition))
    finally:
        await consumer.stop()
    assert record.key == b"c_1"
    assert dict(record.headers)["content-type"] == b"application/cloudevents+json"
    assert decode_kafka_record(record.value, record.headers) == event
    assert orjson.loads(record.value)["id"] == event.id
    assert committed == record.offset + 1
