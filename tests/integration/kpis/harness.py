"""Feeding the known history to the test's topics and waiting for the KPI worker to count it."""

import asyncio
import time

import orjson
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.kpis.entrypoints.worker import source_topics
from shared.events import STRUCTURED_HEADERS
from shared.kafka import ensure_topics
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import ANALYTICS
from tests.kpis_history import Entry

DEADLINE_S = 90.0
Written = dict[tuple[str, int], int]  # (source kind, partition) -> last offset


async def feed(settings: Settings, producer: AIOKafkaProducer, history: list[Entry]) -> Written:
    """Produce every entry, keyed by customer (or channel), to its topic; the last offsets."""
    await ensure_topics(settings, [ANALYTICS])
    topics = source_topics(settings)
    written: Written = {}
    for kind, key, event in history:
        meta = await producer.send_and_wait(
            getattr(topics, kind),
            orjson.dumps(event),
            key=(key or "").encode(),
            headers=STRUCTURED_HEADERS,
        )
        written[kind, meta.partition] = max(written.get((kind, meta.partition), -1), meta.offset)
    return written


async def counted(db: AsyncDatabase[Document], written: Written) -> bool:
    """Every written record is counted in its partition's aggregate."""
    positions = {d["_id"]: d.get("positions", {}) async for d in db["kpi_aggregates"].find({})}
    for (kind, partition), offset in written.items():
        group = "marketing" if kind == "marketing" else "customers"
        if positions.get(f"{group}-{partition}", {}).get(kind, -1) < offset:
            return False
    return True


async def wait_counted(db: AsyncDatabase[Document], written: Written) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not await counted(db, written):
        if time.monotonic() > deadline:
            raise AssertionError(f"the KPI worker did not count {written} in {DEADLINE_S}s")
        await asyncio.sleep(0.2)
