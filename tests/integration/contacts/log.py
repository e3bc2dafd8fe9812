"""Reading back what was published on the test's contacts topic."""

from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.mongo import make_client
from shared.privacy.local import keyring
from shared.privacy.sealing import open_sealed, sealed_by
from shared.settings import Settings
from shared.topics import Topics


async def contact_records(settings: Settings) -> list[dict[str, Any]]:
    """Every record on the contacts topic so far: key, partition, offset and the event (its
    sealed personal fields opened, as a consumer reads them; `sealed` says they were)."""
    found = await _raw_records(settings)
    client = make_client(settings)
    keys = keyring(settings, client[settings.database])
    try:
        for record in found:
            kid = sealed_by(record["event"])
            record["sealed"] = kid is not None
            if kid is not None:
                await keys.key(kid)
                record["event"] = open_sealed(record["event"], keys.cached)
    finally:
        await client.close()
    return found


async def _raw_records(settings: Settings) -> list[dict[str, Any]]:
    topic = Topics.from_settings(settings).contacts
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found = []
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1000)
                for record in batch.get(tp, []):
                    found.append(
                        {
                            "key": record.key.decode() if record.key else None,
                            "partition": tp.partition,
                            "offset": record.offset,
                            "event": orjson.loads(record.value),
                        }
                    )
        return found
    finally:
        await consumer.stop()
