"""Looking for an event in its partition, from a known lower bound of its offset.

A one-off look-up, not a consumer, so it does not run in `shared.consuming`'s batch runner: it
reads one partition from a known offset to the log's end, in no group and committing nothing, and
applies nothing; a record it cannot read (another tool's, or garbage) is not the event it looks
for, so no record can stop it.
"""

from collections.abc import Mapping

import orjson
from aiokafka import TopicPartition

from services.contacts.adapters.outbox import Placement
from shared.kafka import make_reader
from shared.position import Position
from shared.settings import Settings


async def find_published(
    settings: Settings, topic: str, event: Mapping[str, object], placement: Placement
) -> Position | None:
    """The position of `event` (its `source` + `id`) if it is already in its partition, scanned
    from the bound."""
    tp = TopicPartition(topic, placement.partition)
    reader = make_reader(settings)
    await reader.start()
    try:
        reader.assign([tp])
        end = (await reader.end_offsets([tp]))[tp]
        if end <= placement.from_offset:
            return None
        reader.seek(tp, placement.from_offset)
        while (await reader.position(tp)) < end:
            batches = await reader.getmany(tp, timeout_ms=1000, max_records=500)
            for record in batches.get(tp, []):
                if carries(record.value, event):
                    return Position(topic, placement.partition, record.offset)
        return None
    finally:
        await reader.stop()


def carries(value: bytes | None, event: Mapping[str, object]) -> bool:
    """Whether a record's value is `event`: the same `source` + `id` (what identifies a
    CloudEvent). The substring test skips decoding almost every record; the parse makes the match
    exact; a value that is not a JSON object is another record."""
    event_id = event.get("id")
    if value is None or not isinstance(event_id, str) or event_id.encode() not in value:
        return False
    try:
        found = orjson.loads(value)
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(found, dict)
        and found.get("id") == event_id
        and found.get("source") == event.get("source")
    )
