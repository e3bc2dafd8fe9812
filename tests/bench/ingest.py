"""Ingestion: events/s and latency over HTTP (single and batch) and through `c360.ingress`, against
a real `python -m services.interactions` process.

Ratios are against raw aiokafka producer rates (acks=all, idempotent, all sends in flight)
measured in this same run: `ratio_to_raw_producer` uses the shared figure of `tests.bench.common`
(~1 KB CloudEvents), `ratio_to_raw_producer_same_events` the bare producer sending the very events
that are ingested (~1 KB purchases). Goals: batch ingestion >= 50 % of the raw producer rate;
single-event p99 < 25 ms at 200 requests/s (paced, open loop). First sightings (batches of events
whose customers are all new) are held to the store's raw concurrent upsert rate: goal >= 0.5.
"""

import asyncio
import time
import uuid
from typing import Any

import orjson

from shared.kafka import ensure_topics, make_consumer, make_producer
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, percentiles, raw_producer_rate, raw_store_write_rate
from tests.bench.load import LoadClient
from tests.processes import ServiceProcess, free_port, settings_env

CUSTOMERS = 500
SINGLE_COUNT = 3_000
SINGLE_CONCURRENCY = 16
PACED_RATE = 200
PACED_SECONDS = 10
BATCH_SIZE = 1_000
BATCHES = 30
BATCH_SENDERS = 3
INGRESS_COUNT = 20_000
FIRST_BATCH = 500
FIRST_BATCHES = 12
BATCH = {"content-type": "application/cloudevents-batch+json"}
ITEM_NAME = "Shajarian, Bidad: remastered collector's edition with booklet — " * 3


def event(i: int) -> dict[str, Any]:
    """A ~1 KB purchase by one of CUSTOMERS customers, with a fresh id."""
    return {
        "specversion": "1.0",
        "id": f"bench-{uuid.uuid4().hex}",
        "source": "bench/ingest",
        "type": "c360.interaction.purchase",
        "time": "2026-03-01T09:30:00+03:30",
        "data": {
            "customer": {"phone": f"+98912{i % CUSTOMERS:07d}"},
            "order_id": f"A-{i}",
            "amount_minor": 2933 * 3,
            "currency": "USD",
            "items": [
                {
                    "sku": f"sku-{n}",
                    "name": ITEM_NAME[:190],
                    "quantity": 1,
                    "unit_price_minor": 2933,
                }
                for n in range(3)
            ],
            "store": "web",
        },
    }


async def same_payload_raw_rate(settings: Settings, count: int = 20_000) -> float:
    """Records/s of the bare producer for these events (the denominator of the ratios)."""
    topic = Topics.from_settings(settings).interactions
    values = [orjson.dumps(event(i)) for i in range(count)]
    producer = make_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(topic, values[0], key=b"warmup")
        started = time.perf_counter()
        pending = [await producer.send(topic, v, key=str(i).encode()) for i, v in enumerate(values)]
        await asyncio.gather(*pending)
        return count / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def singles(client: LoadClient) -> dict[str, Any]:
    """Closed loop: SINGLE_CONCURRENCY clients posting one event at a time, as fast as possible."""
    latencies: list[float] = []
    numbers = iter(range(SINGLE_COUNT))

    async def worker() -> None:
        for i in numbers:
            body = orjson.dumps(event(i))
            started = time.perf_counter()
            response = await client.post("/v1/events", content=body)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 202, response.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(SINGLE_CONCURRENCY)))
    rate = SINGLE_COUNT / (time.perf_counter() - started)
    return {"events_s": round(rate), **percentiles(latencies)}


async def paced(client: LoadClient) -> dict[str, Any]:
    """Open loop: one event every 1/PACED_RATE s, whatever the answers do (no coordinated
    omission); latency per request."""
    latencies: list[float] = []
    bodies = [orjson.dumps(event(i)) for i in range(PACED_RATE * PACED_SECONDS)]

    async def one(body: bytes) -> None:
        started = time.perf_counter()
        response = await client.post("/v1/events", content=body)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 202, response.text

    tasks = []
    started = time.perf_counter()
    for n, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, started + n / PACED_RATE - time.perf_counter()))
        tasks.append(asyncio.create_task(one(body)))
    await asyncio.gather(*tasks)
    return {"rate_req_s": PACED_RATE, "seconds": PACED_SECONDS, **percentiles(latencies)}


async def send_batches(client: LoadClient, bodies: list[bytes], size: int) -> dict[str, Any]:
    """Post the batch bodies from `BATCH_SENDERS` senders at once: events/s and latencies."""
    left = iter(bodies)
    latencies: list[float] = []

    async def sender() -> None:
        for body in left:
            started = time.perf_counter()
            response = await client.post("/v1/events/batch", content=body, headers=BATCH)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 202, response.text[:500]

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(BATCH_SENDERS)))
    rate = size * len(bodies) / (time.perf_counter() - started)
    return {"events_s": round(rate), "batch_size": size, **percentiles(latencies)}


async def batches(client: LoadClient) -> dict[str, Any]:
    bodies = [
        orjson.dumps([event(b * BATCH_SIZE + i) for i in range(BATCH_SIZE)]) for b in range(BATCHES)
    ]
    return await send_batches(client, bodies, BATCH_SIZE)


async def first_sightings(client: LoadClient) -> dict[str, Any]:
    """Batches whose every event names a customer never seen (a phone and an email each): the
    contacts service creates them all, then the events are published."""
    run = uuid.uuid4().hex[:6]

    def new_customer(n: int) -> dict[str, Any]:
        body = event(n)
        body["data"]["customer"] = {
            "phone": f"+98913{int(run, 16) % 1000:03d}{n:04d}",
            "email": f"first-{run}-{n}@shop.example",
        }
        return body

    bodies = [
        orjson.dumps([new_customer(b * FIRST_BATCH + i) for i in range(FIRST_BATCH)])
        for b in range(FIRST_BATCHES)
    ]
    return await send_batches(client, bodies, FIRST_BATCH)


async def ingress(settings: Settings) -> dict[str, Any]:
    """Events/s from producing to `c360.ingress` until the agent has committed all of them."""
    topics = Topics.from_settings(settings)
    producer = make_producer(settings)
    consumer = make_consumer(settings, f"{settings.topic_prefix}c360-interactions")
    await producer.start()
    await consumer.start()
    try:
        started = time.perf_counter()
        pending = [
            await producer.send(topics.ingress, orjson.dumps(event(i)), key=str(i).encode())
            for i in range(INGRESS_COUNT)
        ]
        acks = await asyncio.gather(*pending)
        ends: dict[Any, int] = {}
        for ack in acks:
            ends[ack.topic_partition] = max(ends.get(ack.topic_partition, 0), ack.offset + 1)
        while True:
            committed = {tp: await consumer.committed(tp) or 0 for tp in ends}
            if all(committed[tp] >= end for tp, end in ends.items()):
                break
            await asyncio.sleep(0.1)
        return {"events_s": round(INGRESS_COUNT / (time.perf_counter() - started))}
    finally:
        await consumer.stop()
        await producer.stop()


async def run(settings: Settings) -> dict[str, Any]:
    await ensure_topics(settings)
    try:
        shared_raw: float | None = await raw_producer_rate(settings)
    except Exception as exc:  # reported, not fatal: our own same-payload figure is measured below
        console.print(f"  [yellow]shared raw producer rate unavailable: {exc}[/]")
        shared_raw = None
    raw = await same_payload_raw_rate(settings)
    raw_store = await raw_store_write_rate(settings)  # the limit first sightings are held to
    console.print(f"[bold]ingest[/] raw producer (same events) {raw:,.0f} records/s")
    port, contacts_port = free_port(), free_port()
    env = settings_env(
        settings,
        C360_INTERACTIONS_PORT=str(port),
        C360_CONTACTS_PORT=str(contacts_port),
        C360_CONTACTS_URL=f"http://127.0.0.1:{contacts_port}",
        C360_LOG_LEVEL="WARNING",
    )
    url = f"http://127.0.0.1:{port}"
    contacts_ready = f"http://127.0.0.1:{contacts_port}/readyz"
    contacts = ServiceProcess("services.contacts", env, contacts_ready, "bench-contacts")
    contacts.start()  # interactions asks it for every batch's customers
    service = ServiceProcess("services.interactions", env, f"{url}/readyz", "bench-interactions")
    service.start()
    headers = {"content-type": "application/cloudevents+json"}
    try:
        async with LoadClient(url, connections=64, headers=headers) as c:
            warm = orjson.dumps([event(i) for i in range(CUSTOMERS)])  # creates the customers
            response = await c.post("/v1/events/batch", content=warm, headers=BATCH)
            assert response.status_code == 202, response.text[:500]
            single = await singles(c)
            console.print(f"  single {single}")
            at_rate = await paced(c)
            console.print(f"  single at {PACED_RATE}/s {at_rate}")
            batch = await batches(c)
            console.print(f"  batch {batch}")
            first = await first_sightings(c)
            console.print(f"  first sightings {first}")
        from_ingress = await ingress(settings)
        console.print(f"  ingress {from_ingress}")
    finally:
        service.stop()
        contacts.stop()
    denominator = shared_raw or raw
    return {
        "identity_cache_ttl_s": settings.identity_cache_ttl_seconds,
        "raw_producer_records_s": round(shared_raw) if shared_raw else None,
        "raw_producer_same_events_records_s": round(raw),
        "single_http": single,
        "single_http_paced": at_rate,
        "batch_http": {**batch, **ratios(batch["events_s"], shared_raw, raw)},
        "raw_store_upserts_s": round(raw_store),
        "first_sightings_http": {
            **first,
            "ratio_to_raw_store_upserts": round(first["events_s"] / raw_store, 3),
        },
        "kafka_ingress": {**from_ingress, **ratios(from_ingress["events_s"], shared_raw, raw)},
        "goals": {
            "batch_ratio_ge_0_5": batch["events_s"] / denominator >= 0.5,
            "single_p99_lt_25ms_at_200_rps": at_rate["p99_ms"] < 25,
            "first_sightings_ratio_ge_0_5": first["events_s"] / raw_store >= 0.5,
        },
    }


def ratios(rate: float, shared_raw: float | None, same_events_raw: float) -> dict[str, Any]:
    return {
        "ratio_to_raw_producer": round(rate / shared_raw, 3) if shared_raw else None,
        "ratio_to_raw_producer_same_events": round(rate / same_events_raw, 3),
    }


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(orjson.dumps(asyncio.run(run(bench_settings())), option=orjson.OPT_INDENT_2).decode())
