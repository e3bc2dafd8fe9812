"""Projection benchmark: fold throughput against the raw store write rate of the same run,
freshness (accepted -> visible) at a steady 500 events/s, and query latency at 50 clients.

The raw write rate is the fastest way this store took 1,000 writes of existing documents by
`_id` in the same run (`tests.bench.store_writes`: bulk, ordered or not, or concurrent singles);
the rate of `insert_many` of new documents is reported beside it. Throughput is measured twice:
with the worker's in-memory states (`C360_PROJECTIONS_OWNED_STATES`, the default) and with every
state read from the store (`0`), each on its own topics and database.

The workers (as many as `make up` runs, `C360_PROJECTORS`; `C360_BENCH_PROJECTION_WORKERS` says
otherwise) and the query API run as their own processes, as in production. "Visible" is when
the partition's checkpoint (written after the views) has passed the event's offset, the same
signal `min_position` waits for.
"""

import asyncio
import os
import random
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from deploy.local.stack.settings import StackSettings
from services.projections.adapters.store import ProjectionStore
from shared.events import STRUCTURED_HEADERS, encode_event
from shared.kafka import ensure_topics, make_producer
from shared.mongo import make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.bench import store_writes
from tests.bench.common import console, percentiles, projection_workers, stop_all
from tests.bench.load import LoadClient
from tests.processes import ServiceProcess, free_port, settings_env
from tests.unit.projections import events as ev

CUSTOMERS = 500
BACKLOG = 5_000
STEADY_RATE = 500
STEADY_SECONDS = 10
LIGHT_RATE = 50  # what this store sustains with room to spare: the pipeline's own latency
CLIENTS = 50
REQUESTS_EACH = 40
WORKERS = int(os.environ.get("C360_BENCH_PROJECTION_WORKERS", StackSettings().projectors))


def phone(n: int) -> str:
    return f"+98912{n:07d}"


def interaction(customer: str, n: int) -> Any:
    return (
        ev.purchase(customer, n % 10_000, 100 + n % 900) if n % 3 else ev.call(customer, n % 10_000)
    )


async def send(producer: AIOKafkaProducer, topic: str, event: Any) -> Any:
    key = str(event.subject).encode()
    return await producer.send(topic, encode_event(event), key=key, headers=STRUCTURED_HEADERS)


async def folded(store: ProjectionStore, ends: dict[tuple[str, int], int]) -> int:
    """Records of `ends` already folded in (by the checkpoints)."""
    done = [min(await store.checkpoint(t, p), end) for (t, p), end in ends.items()]
    return sum(done)


async def throughput(
    settings: Settings,
    producer: AIOKafkaProducer,
    store: ProjectionStore,
    ids: list[str],
    workers: list[ServiceProcess],
) -> float:
    """Start the workers and let them fold a warm-up record in every partition (so they have
    joined their group, shared the partitions and poll), then publish the backlog as fast as the
    producer goes and time from the first send to all folded. (A backlog of seconds would
    otherwise be timed mostly as process start and group join.)"""
    topics = Topics.from_settings(settings)
    for worker in workers:
        worker.start()
    partitions = range(settings.topic_partitions)
    warm_ups = await asyncio.gather(
        *[
            await producer.send(
                topics.interactions,
                encode_event(interaction(ev.new_customer_id(), 0)),  # of no one measured
                partition=partition,
                headers=STRUCTURED_HEADERS,
            )
            for partition in partitions
        ]
    )
    for _ in range(600):
        checkpoints = [await store.checkpoint(w.topic, w.partition) for w in warm_ups]
        if all(c > w.offset for c, w in zip(checkpoints, warm_ups, strict=True)):
            break
        await asyncio.sleep(0.1)
    else:
        raise TimeoutError("the workers folded no warm-up record in every partition in a minute")
    started = time.perf_counter()
    futures = [
        await send(producer, topics.contacts, ev.created(c, 0, f"Customer {n}", phones=[phone(n)]))
        for n, c in enumerate(ids)
    ]
    rng = random.Random(1)
    futures += [
        await send(producer, topics.interactions, interaction(rng.choice(ids), n))
        for n in range(1, BACKLOG + 1)
    ]
    ends: dict[tuple[str, int], int] = {}
    for meta in await asyncio.gather(*futures):
        key = (meta.topic, meta.partition)
        ends[key] = max(ends.get(key, 0), meta.offset + 1)
    total, target = len(futures), sum(ends.values())  # the target counts the warm-up's too
    console.print(f"  backlog of {total} records published; folding ...")
    while (done := await folded(store, ends)) < target:
        console.print(f"  {done - (target - total)}/{total}", end="\r")
        await asyncio.sleep(0.2)
    return total / (time.perf_counter() - started)


async def freshness(
    settings: Settings,
    producer: AIOKafkaProducer,
    store: ProjectionStore,
    ids: list[str],
    rate: int = STEADY_RATE,
) -> dict[str, float]:
    """Accepted (acknowledged by Kafka) -> visible, at a steady `rate` events/s. The checkpoints
    are polled while the events are being sent, so each is timed when it becomes visible."""
    topic = Topics.from_settings(settings).interactions
    accepted: list[tuple[int, int, float]] = []
    rng = random.Random(2)
    total = rate * STEADY_SECONDS

    async def one(n: int) -> None:
        meta = await (await send(producer, topic, interaction(rng.choice(ids), n)))
        accepted.append((meta.partition, meta.offset, time.perf_counter()))

    async def sender() -> None:
        sends = []
        started = time.perf_counter()
        for n in range(total):
            sends.append(asyncio.create_task(one(n)))
            await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.perf_counter()))
        await asyncio.gather(*sends)

    sending = asyncio.create_task(sender())
    samples: list[float] = []
    seen = 0  # how many of `accepted` were taken into `pending`
    pending: list[tuple[int, int, float]] = []
    while len(samples) < total:
        pending += accepted[seen:]
        seen = len(accepted)
        now = time.perf_counter()
        # one small query for every checkpoint: the poller must not load the store it measures
        docs = store.checkpoints.find({"topic": topic})
        checkpoints = {int(d["partition"]): int(d["next_offset"]) async for d in docs}
        still = []
        for partition, offset, at in pending:
            if checkpoints.get(partition, 0) > offset:
                samples.append(now - at)
            else:
                still.append((partition, offset, at))
        pending = still
        if sending.done() and sending.exception() is not None:
            raise sending.exception()  # type: ignore[misc]
        await asyncio.sleep(0.05)
    await sending
    return percentiles(samples)


async def latencies(url: str, paths: list[str]) -> dict[str, float]:
    samples: list[float] = []
    queue = iter(paths)
    async with LoadClient(url, connections=CLIENTS, timeout_s=30) as http:

        async def client() -> None:
            for path in queue:
                started = time.perf_counter()
                answer = await http.get(path)
                samples.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")

        await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return percentiles(samples)


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    return settings_env(settings, C360_LOG_LEVEL="WARNING", **extra)


async def fold_rate_from_the_store(settings: Settings) -> float:
    """Throughput with no state kept in memory, on topics and a database of its own."""
    run_id = uuid.uuid4().hex[:6]
    alone = settings.model_copy(
        update={
            "topic_prefix": f"{settings.topic_prefix}s{run_id}.",
            "database": f"{settings.database}_s{run_id}",
        }
    )
    await ensure_topics(alone)
    port = free_port()
    env = worker_env(
        alone, C360_PROJECTIONS_WORKER_PORT=str(port), C360_PROJECTIONS_OWNED_STATES="0"
    )
    client, producer = make_client(alone), make_producer(alone)
    await producer.start()
    workers = projection_workers(env, WORKERS, port)
    try:
        store = ProjectionStore(client[alone.database], "g1")
        ids = [ev.new_customer_id() for _ in range(CUSTOMERS)]
        return await throughput(alone, producer, store, ids, workers)
    finally:
        stop_all(workers)
        await producer.stop()
        await client.drop_database(alone.database)
        await client.close()


async def run(settings: Settings) -> dict[str, Any]:
    writes = await store_writes.run(settings)
    raw_method, raw = store_writes.fastest(writes["docs_s"], overwrites=True)
    insert_rate = max(writes["docs_s"]["insert_many"].values())
    console.print(f"  raw store writes: {raw:,}/s ({raw_method}); insert_many {insert_rate:,}/s")
    await ensure_topics(settings)
    ports = {"worker": free_port(), "api": free_port()}
    env = worker_env(
        settings,
        C360_PROJECTIONS_WORKER_PORT=str(ports["worker"]),
        C360_PROJECTIONS_PORT=str(ports["api"]),
    )
    ids = [ev.new_customer_id() for _ in range(CUSTOMERS)]
    client, producer = make_client(settings), make_producer(settings)
    await producer.start()
    store = ProjectionStore(client[settings.database], "g1")
    workers = projection_workers(env, WORKERS, ports["worker"])
    api = ServiceProcess(
        "services.projections", env, f"http://127.0.0.1:{ports['api']}/readyz", "bench-projections"
    )
    try:
        rate = await throughput(settings, producer, store, ids, workers)
        share = rate / raw
        console.print(
            f"  projection, {WORKERS} worker(s): {rate:,.0f} events/s ({share:.2f} of raw)"
        )
        console.print(f"  freshness at a steady {STEADY_RATE}/s ...")
        fresh = await freshness(settings, producer, store, ids)
        console.print(f"  freshness {fresh}; at {LIGHT_RATE}/s ...")
        light = await freshness(settings, producer, store, ids, LIGHT_RATE)
        console.print(f"  freshness {light}; queries at {CLIENTS} clients ...")
        api.start()
        rng = random.Random(3)
        picks = [rng.randrange(CUSTOMERS) for _ in range(CLIENTS * REQUESTS_EACH)]
        url = f"http://127.0.0.1:{ports['api']}"
        lookups = [f"/v1/customers/lookup?phone=%2B{phone(n)[1:]}" for n in picks]
        await latencies(url, lookups[:CLIENTS])  # warm-up: connections, caches
        lookup = await latencies(url, lookups)
        by_id = await latencies(url, [f"/v1/customers/{ids[n]}" for n in picks])
    finally:
        api.stop()
        stop_all(workers)
        await producer.stop()
        await client.close()
    console.print("  projection with every state read from the store ...")
    from_store = await fold_rate_from_the_store(settings)
    share = from_store / raw
    console.print(f"  projection, states read from the store: {from_store:,.0f}/s ({share:.2f})")
    result = {
        "raw_store_writes": writes,
        "raw_store_write_method": raw_method,
        "raw_store_writes_s": raw,
        "projection_workers": WORKERS,
        "projection_events_s": round(rate),
        "projection_vs_raw_store": round(rate / raw, 3),
        "projection_vs_insert_many": round(rate / insert_rate, 3),
        "projection_without_kept_states_events_s": round(from_store),
        "projection_without_kept_states_vs_raw_store": round(from_store / raw, 3),
        "freshness_at_500_s": fresh,
        f"freshness_at_{LIGHT_RATE}_s": light,
        "lookup_by_phone_50_clients": lookup,
        "view_by_id_50_clients": by_id,
        "goals": {
            "freshness_p99_under_1s": fresh["p99_ms"] < 1000,
            "lookup_p99_under_30ms": lookup["p99_ms"] < 30,
            "projection_at_least_60pct_of_raw": rate / raw >= 0.6,
        },
    }
    console.print(result)
    return result


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
