"""`c360 tail`: one customer's events as they arrive on the customer-keyed topics."""

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from shared.kafka import make_reader, partitions_of
from shared.settings import Settings
from shared.topics import Topics


@dataclass(frozen=True)
class Seen:
    topic: str
    at: datetime
    type: str
    event_id: str
    summary: str


def customer_topics(settings: Settings) -> list[str]:
    topics = Topics.from_settings(settings)
    return [topics.contacts, topics.interactions, topics.notifications]


def describe(topic: str, value: bytes | None, timestamp_ms: int) -> Seen:
    try:
        event = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        event = {}
    event = event if isinstance(event, dict) else {}
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    brief = {
        k: v for k, v in (data or {}).items() if k != "customer" and not isinstance(v, dict | list)
    }
    return Seen(
        topic,
        datetime.fromtimestamp(timestamp_ms / 1000, UTC),
        str(event.get("type", "?")),
        str(event.get("id", "?")),
        orjson.dumps(brief).decode()[:160],
    )


async def follow(
    settings: Settings,
    customer_id: str,
    since: datetime | None,
    stop: Callable[[], bool] = lambda: False,
) -> AsyncIterator[Seen]:
    """Yield the customer's events from `since` (default: now) on, until `stop()` says so."""
    consumer = make_reader(settings)
    await consumer.start()
    try:
        partitions = await partitions_of(settings, customer_topics(settings))
        consumer.assign(partitions)
        start_ms = int((since or datetime.now(UTC)).timestamp() * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, start_ms))
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            offset = found.get(tp)
            consumer.seek(tp, offset.offset if offset is not None else ends[tp])
        key = customer_id.encode()
        while not stop():
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in sorted(batches.items(), key=lambda item: item[0].topic):
                for record in records:
                    if record.key == key:
                        yield describe(tp.topic, record.value, record.timestamp)
    finally:
        await consumer.stop()


def deadline(seconds: float | None) -> Callable[[], bool]:
    """A stop condition: never (None), or after `seconds`."""
    if seconds is None:
        return lambda: False
    ends = time.monotonic() + seconds
    return lambda: time.monotonic() >= ends


async def collect(
    settings: Settings, customer_id: str, since: datetime, seconds: float
) -> list[Seen]:
    """Everything `follow` yields within `seconds` (used by tests and `--for`)."""
    return [seen async for seen in follow(settings, customer_id, since, deadline(seconds))]
