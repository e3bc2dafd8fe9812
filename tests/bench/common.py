"""What every benchmark shares: percentiles, raw limits measured in the same run, result files.

Raw limits are the denominators of every ratio: the aiokafka producer rate (acks=all, idempotent,
~1 KB CloudEvents) and the store's upsert-by-_id rate. They are measured once per run and cached.
"""

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import OperationFailure
from rich.console import Console

from shared.events import EventType, encode_event
from shared.kafka import ensure_topics, make_consumer, make_producer
from shared.mongo import make_client
from shared.settings import Settings
from shared.topics import INTERACTIONS, Topics
from tests.factories import make_event
from tests.processes import ServiceProcess, free_port

console = Console(stderr=True)
_raw_cache: dict[str, float] = {}
PAYLOAD_PAD = "x" * 560  # ~1 KB documents in the store benchmarks
ITEM_NAME = "x" * 180  # three named line items bring a purchase CloudEvent to ~1 KB


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max of latencies in seconds, reported in milliseconds."""
    if not samples:
        return {"p50_ms": 0.0, "p90_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0, "n": 0}
    ordered = sorted(samples)
    cuts = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {
        "p50_ms": round(cuts[49] * 1000, 3),
        "p90_ms": round(cuts[89] * 1000, 3),
        "p99_ms": round(cuts[98] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "n": len(ordered),
    }


def bench_settings(**overrides: Any) -> Settings:
    """Settings with a fresh topic prefix and database, so runs never see each other's data."""
    run = f"b{uuid.uuid4().hex[:8]}"
    values: dict[str, Any] = {
        "topic_prefix": f"{run}.",
        "database": f"c360_{run}",
        "auth_enabled": False,
    }
    values.update(overrides)
    return Settings(**values)


def sample_event_bytes(i: int = 0) -> bytes:
    """A realistic ~1 KB CloudEvent (a purchase with a note)."""
    event = make_event(
        EventType.PURCHASE,
        {
            "customer": {"phone": f"+98912{i % 10_000_000:07d}"},
            "order_id": f"A-{i}",
            "amount_minor": 2933,
            "currency": "USD",
            "items": [
                {"sku": f"sku-{n}", "name": ITEM_NAME, "quantity": 1, "unit_price_minor": 977}
                for n in range(3)
            ],
        },
        source="bench/raw",
    )
    return encode_event(event)


async def timed_rate(count: int, work: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await work()
    return count / (time.perf_counter() - started)


async def raw_producer_rate(settings: Settings, count: int = 30_000) -> float:
    """Records/s for aiokafka with acks=all + idempotence, ~1 KB values, all sends in flight."""
    if "producer" in _raw_cache:
        return _raw_cache["producer"]
    await ensure_topics(settings, [INTERACTIONS])
    topic = Topics.from_settings(settings).interactions
    values = [sample_event_bytes(i) for i in range(count)]
    producer = make_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(topic, values[0], key=b"warmup")

        async def send_all() -> None:
            futures = [
                await producer.send(topic, v, key=str(i).encode()) for i, v in enumerate(values)
            ]
            await asyncio.gather(*futures)

        _raw_cache["producer"] = await timed_rate(count, send_all)
        _raw_cache["producer_topic_records"] = count + 1
    finally:
        await producer.stop()
    return _raw_cache["producer"]


async def raw_consumer_rate(settings: Settings) -> float:
    """Records/s for an aiokafka consumer group reading what `raw_producer_rate` wrote."""
    if "consumer" in _raw_cache:
        return _raw_cache["consumer"]
    expected = int(_raw_cache.get("producer_topic_records", 0))
    if not expected:
        await raw_producer_rate(settings)
        expected = int(_raw_cache["producer_topic_records"])
    topic = Topics.from_settings(settings).interactions
    consumer = make_consumer(
        settings, f"{settings.topic_prefix}raw-bench", topic, max_poll_records=2000
    )
    await consumer.start()
    try:
        seen = 0
        started = time.perf_counter()
        while seen < expected:
            batches = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batches.values())
        _raw_cache["consumer"] = seen / (time.perf_counter() - started)
    finally:
        await consumer.stop()
    return _raw_cache["consumer"]


async def raw_store_write_rate(settings: Settings, count: int = 3_000, clients: int = 32) -> float:
    """Upsert-by-_id docs/s with `clients` concurrent writers (the store's raw limit)."""
    key = f"store_upsert_{clients}_{settings.mongodb_uri}"
    if key in _raw_cache:
        return _raw_cache[key]
    client = make_client(settings)
    try:
        coll = client[settings.database]["raw_bench"]
        doc = {"name": PAYLOAD_PAD, "kpis": {"count": 1, "spent": 2933}, "version": 1}
        queue = iter(range(count))

        async def writer() -> None:
            for i in queue:
                # FerretDB on SQLite refuses concurrent writers now and then (SQLITE_BUSY):
                # a write counts once it is done, retried as the services retry it.
                for attempt in range(50):
                    try:
                        await coll.replace_one(
                            {"_id": f"c{i}"}, {**doc, "_id": f"c{i}"}, upsert=True
                        )
                        break
                    except OperationFailure as exc:
                        if "SQLITE_BUSY" not in str(exc) or attempt == 49:
                            raise
                        BUSY_RETRIES[settings.mongodb_uri] = (
                            BUSY_RETRIES.get(settings.mongodb_uri, 0) + 1
                        )
                        await asyncio.sleep(0.002 * (attempt + 1))

        async def all_writers() -> None:
            await asyncio.gather(*(writer() for _ in range(clients)))

        await coll.replace_one({"_id": "warmup"}, doc, upsert=True)
        _raw_cache[key] = await timed_rate(count, all_writers)
    finally:
        await client.close()
    return _raw_cache[key]


BUSY_RETRIES: dict[str, int] = {}  # per store URI: writes the store refused as busy


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "at": datetime.now(UTC).isoformat()}


def projection_workers(
    env: dict[str, str], count: int, port: int | None = None
) -> list[ServiceProcess]:
    """`count` projection workers of one group, not started yet: the first on `port` (when
    given), the others on ports of their own."""
    workers = []
    for n in range(count):
        at = port if n == 0 and port is not None else free_port()
        ready = f"http://127.0.0.1:{at}/readyz"
        own = env | {"C360_PROJECTIONS_WORKER_PORT": str(at)}
        workers.append(
            ServiceProcess("services.projections.worker", own, ready, f"bench-projector-{n + 1}")
        )
    return workers


def stop_all(processes: Sequence[ServiceProcess]) -> None:
    for process in processes:
        process.stop()
