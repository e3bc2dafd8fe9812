"""Reading back what was published on the test's contacts topic."""

from typing import Any

import orjson
from aiokafka import TopicPartition

from shared.kafka import make_reader
from shared.privacy.sealing import sealed_by
from shared.settings import Settings
from shared.topics import Topics
from tests.opening import open_documents


async def contact_records(settings: Settings) -> list[dict[str, Any]]:
    """Every record on the contacts topic so far: key, partition, offset and the event (its
    sealed personal fields opened, as a consumer reads them; `sealed` says they were)."""
    found = await _raw_records(settings)
    opened = await open_documents(settings, [r["event"] for r in found])
    for record, event in zip(found, opened, strict=True):
        record["sealed"] = sealed_by(record["event"]) is not None
        record["event"] = event
    return found


async def _raw_records(settings: Settings) -> list[dict[str, Any]]:
    topic = Topics.from_settings(settings).contacts
    consumer = make_reader(settings)
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
