"""Reading back topics up to their current end, and waiting with a deadline instead of sleeping."""

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from aiokafka import TopicPartition

from shared.kafka import make_reader
from shared.settings import Settings
from tests.opening import open_documents


@dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]

    def event(self) -> dict[str, Any]:
        assert self.value is not None
        parsed: dict[str, Any] = orjson.loads(self.value)
        return parsed


async def read_opened(settings: Settings, topic: str) -> list[Record]:
    """`read_topic`, with sealed personal fields opened as a consumer reads them."""
    found = await read_topic(settings, topic)
    events = await open_documents(settings, [orjson.loads(r.value or b"{}") for r in found])
    return [
        dataclasses.replace(r, value=orjson.dumps(e)) if r.value is not None else r
        for r, e in zip(found, events, strict=True)
    ]


async def read_topic(settings: Settings, topic: str) -> list[Record]:
    """Every record of `topic` from the beginning up to the end offsets of this moment."""
    consumer = make_reader(settings)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert partitions, f"topic {topic} does not exist"
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[Record] = []
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1000)
                found += [
                    Record(tp.partition, r.offset, r.key, r.value, dict(r.headers))
                    for r in batch.get(tp, [])
                    if r.offset < ends[tp]
                ]
        return found
    finally:
        await consumer.stop()


def ids_of(records: list[Record]) -> Counter[str]:
    """How many times each event id occurs."""
    return Counter(r.event()["id"] for r in records)


async def eventually(check: Callable[[], Awaitable[Any]], what: str, within_s: float = 60.0) -> Any:
    """Poll `check()` until it returns something truthy; fail naming `what` at the deadline."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.2)
    pytest.fail(f"timed out after {within_s}s waiting for {what}")
