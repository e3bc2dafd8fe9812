"""Raw limits of this machine: the denominators of every c360 ratio.

Kafka: aiokafka producer (acks=all, idempotent, ~1 KB CloudEvents) and consumer records/s.
Store: upsert-by-_id ops/s sequentially and with 32 concurrent clients, and bulk-write docs/s,
for every Mongo-protocol endpoint in C360_BENCH_STORES (`name=uri,name=uri`).
"""

import asyncio
import os
import time
from typing import Any

from pymongo import ReplaceOne

from shared.mongo import make_client
from shared.settings import Settings
from tests.bench.common import (
    BUSY_RETRIES,
    PAYLOAD_PAD,
    console,
    percentiles,
    raw_consumer_rate,
    raw_producer_rate,
    raw_store_write_rate,
)


def stores(settings: Settings) -> dict[str, str]:
    configured = os.environ.get("C360_BENCH_STORES", "")
    pairs = [item.split("=", 1) for item in configured.split(",") if "=" in item]
    return dict(pairs) if pairs else {"default": settings.mongodb_uri}


async def bulk_write_rate(settings: Settings, count: int = 20_000, batch: int = 1_000) -> float:
    client = make_client(settings)
    try:
        coll = client[settings.database]["raw_bulk"]
        started = time.perf_counter()
        for first in range(0, count, batch):
            ops = [
                ReplaceOne(
                    {"_id": f"b{i}"}, {"name": PAYLOAD_PAD, "n": i, "version": 1}, upsert=True
                )
                for i in range(first, min(first + batch, count))
            ]
            await coll.bulk_write(ops, ordered=False)
        return count / (time.perf_counter() - started)
    finally:
        await client.close()


async def read_figures(settings: Settings, clients: int, count: int = 2_000) -> dict[str, float]:
    """find_one by `_id` of ~1 KB documents written by the upsert run: reads/s and latency."""
    client = make_client(settings, maxPoolSize=max(clients, 10))
    try:
        coll = client[settings.database]["raw_bench"]
        samples: list[float] = []
        queue = iter(range(count))

        async def reader() -> None:
            for i in queue:
                started = time.perf_counter()
                await coll.find_one({"_id": f"c{i % 1_500}"})
                samples.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(clients)))
        rate = count / (time.perf_counter() - started)
        return {"reads_s": round(rate), **percentiles(samples)}
    finally:
        await client.close()


async def store_figures(settings: Settings) -> dict[str, Any]:
    return {
        "upsert_sequential_ops_s": round(await raw_store_write_rate(settings, 1_500, clients=1)),
        "upsert_32_clients_ops_s": round(await raw_store_write_rate(settings, 4_000, clients=32)),
        "upsert_busy_retries": BUSY_RETRIES.get(settings.mongodb_uri, 0),
        "bulk_write_docs_s": round(await bulk_write_rate(settings)),
        "find_by_id_sequential": await read_figures(settings, clients=1),
        "find_by_id_50_clients": await read_figures(settings, clients=50),
    }


async def run(settings: Settings) -> dict[str, Any]:
    console.print("[bold]raw limits[/] kafka producer ...")
    producer = await raw_producer_rate(settings)
    console.print(f"  producer {producer:,.0f} records/s; consumer ...")
    consumer = await raw_consumer_rate(settings)
    console.print(f"  consumer {consumer:,.0f} records/s")
    result: dict[str, Any] = {
        "kafka": {"producer_records_s": round(producer), "consumer_records_s": round(consumer)},
        "store": {},
    }
    for name, uri in stores(settings).items():
        console.print(f"  store [cyan]{name}[/] ({uri}) ...")
        figures = await store_figures(settings.model_copy(update={"mongodb_uri": uri}))
        console.print(f"    {figures}")
        result["store"][name] = figures
    return result


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
