"""Looking for an event in its partition, from a known lower bound of its offset."""

import orjson
from aiokafka import TopicPartition

from services.contacts.adapters.outbox import Placement
from shared.kafka import make_reader
from shared.position import Position
from shared.settings import Settings


async def find_published(
    settings: Settings, topic: str, event_id: str, placement: Placement
) -> Position | None:
    """The position of `event_id` if it is already in its partition (scanned from the bound)."""
    tp = TopicPartition(topic, placement.partition)
    reader = make_reader(settings)
    await reader.start()
    try:
        reader.assign([tp])
        end = (await reader.end_offsets([tp]))[tp]
        if end <= placement.from_offset:
            return None
        reader.seek(tp, placement.from_offset)
        needle = event_id.encode()
        while (await reader.position(tp)) < end:
            batches = await reader.getmany(tp, timeout_ms=1000, max_records=500)
            for record in batches.get(tp, []):
                if _carries(record.value, needle):
                    return Position(topic, placement.partition, record.offset)
        return None
    finally:
        await reader.stop()


def _carries(value: bytes | None, event_id: bytes) -> bool:
    # The substring test skips decoding almost every record; the parse makes the match exact.
    return (
        value is not None
        and event_id in value
        and orjson.loads(value).get("id") == event_id.decode()
    )
