"""Contacts: create and resolve rates, over HTTP (a real `python -m services.contacts` process)
and through the in-process resolver the interactions service uses.

Ratios are against the raw limits of this same run: a create costs one index claim per
identifier plus four store writes (claim, commit, snapshot, clear) and one acks=all publish.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from services.contacts.adapters.store import ContactStore
from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.service_layer.batch_resolution import BatchResolution
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.kafka import ensure_topics, make_producer
from shared.mongo import database, make_client
from shared.settings import Settings
from tests.bench.common import console, percentiles, raw_producer_rate, raw_store_write_rate
from tests.bench.load import LoadClient
from tests.processes import ServiceProcess, free_port, settings_env

CREATES = 800
LOOKUPS = 2_000
RESOLVES = 800
HOT = 100  # customers seen again and again, whose identifiers stay in the cache
CONCURRENCY = 32
SERIAL = 100
BATCH = 500  # customer blocks per batch resolve, as one ingestion batch might name


def phone(i: int, block: int) -> str:
    return f"+98912{block}{i:06d}"


async def measure(
    count: int,
    one: Callable[[int], Awaitable[None]],
    concurrency: int = CONCURRENCY,
    first: int = 0,
) -> dict[str, Any]:
    """Run `one(i)` for first <= i < first + count with `concurrency` workers: rate, latencies."""
    latencies: list[float] = []
    numbers = iter(range(first, first + count))

    async def worker() -> None:
        for i in numbers:
            started = time.perf_counter()
            await one(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"per_s": round(count / elapsed, 1), **percentiles(latencies)}


async def over_http(settings: Settings) -> dict[str, Any]:
    port = free_port()
    env = settings_env(settings, C360_CONTACTS_PORT=str(port), C360_LOG_LEVEL="WARNING")
    service = ServiceProcess(
        "services.contacts", env, ready_url=f"http://127.0.0.1:{port}/readyz", name="bench"
    )
    service.start()
    json = {"content-type": "application/json"}
    try:
        # aiohttp, which drops idle connections before uvicorn closes them (`LoadClient`)
        async with LoadClient(f"http://127.0.0.1:{port}", CONCURRENCY, timeout_s=30) as client:

            async def create(i: int) -> None:
                body = {"name": f"Bench {i}", "phones": [phone(i, 1)], "emails": [f"b{i}@x.com"]}
                response = await client.post("/v1/contacts", orjson.dumps(body), json)
                assert response.status_code == 201, response.text

            async def lookup(i: int) -> None:
                response = await client.get(f"/v1/identities/phone/{phone(i % CREATES, 1)}")
                assert response.status_code == 200, response.text

            console.print(f"  HTTP: {CREATES} creates ...")
            creates = await measure(CREATES, create)
            console.print(f"  HTTP: {LOOKUPS} identity lookups ...")
            lookups = await measure(LOOKUPS, lookup)
            console.print("  HTTP: one client at a time (latency without queueing) ...")
            create_alone = await measure(SERIAL, create, concurrency=1, first=CREATES)
            lookup_alone = await measure(SERIAL, lookup, concurrency=1)
    finally:
        service.stop()
    return {
        "create": creates,
        "resolve_identity": lookups,
        "create_one_client": create_alone,
        "resolve_identity_one_client": lookup_alone,
    }


async def in_process(settings: Settings) -> dict[str, Any]:
    """The resolver as the interactions service runs it: new identifiers, known ones with a cold
    cache (index + contact reads), and a hot set of customers answered from the cache."""
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    store = ContactStore(database(client, settings), producer, settings)
    await store.start()
    try:
        first = IdentityResolver(store)

        async def first_sighting(i: int) -> None:
            assert (await first.resolve(CustomerRef(phone=phone(i, 2)))).created

        cold = IdentityResolver(store)  # no cache: every call reads the store

        async def known_cold(i: int) -> None:
            await cold.resolve(CustomerRef(phone=phone(i % RESOLVES, 2)))

        async def known_warm(i: int) -> None:
            await first.resolve(CustomerRef(phone=phone(i % HOT, 2)))

        console.print(f"  resolver: {RESOLVES} first sightings ...")
        created = await measure(RESOLVES, first_sighting)
        console.print("  resolver: known identifiers, cold and warm cache ...")
        cold_figures = await measure(RESOLVES, known_cold)
        await measure(HOT, known_warm)  # fill the cache (entries live identity_cache_ttl_seconds)
        warm_figures = await measure(RESOLVES * 10, known_warm)
        batch_figures = await batches(store)
    finally:
        await store.stop()
        await producer.stop()
        await client.close()
    return {
        "first_sighting": created,
        "known_cold": cold_figures,
        "known_warm": warm_figures,
        "batch": batch_figures,
    }


async def batches(store: ContactStore) -> dict[str, Any]:
    """The batch resolution behind `POST /v1/identities/resolve/batch`: one batch of first
    sightings, then the same blocks again with a cold cache (all known)."""
    blocks = [CustomerRef(phone=phone(i, 3)) for i in range(BATCH)]
    figures: dict[str, Any] = {}
    for name in ("first_sightings", "known_cold"):
        resolution = BatchResolution(IdentityResolver(store))  # a fresh (cold) cache each time
        started = time.perf_counter()
        answers = await resolution.resolve_many(blocks)
        seconds = time.perf_counter() - started
        created = sum(isinstance(a, ResolvedCustomer) and a.created for a in answers)
        assert created == (BATCH if name == "first_sightings" else 0)
        figures[name] = {
            "blocks": BATCH,
            "seconds": round(seconds, 3),
            "per_s": round(BATCH / seconds),
        }
        console.print(f"  batch resolve, {name}: {figures[name]}")
    return figures


async def run(settings: Settings) -> dict[str, Any]:
    await ensure_topics(settings)
    raw_store = await raw_store_write_rate(settings)
    raw_kafka = await raw_producer_rate(settings)
    http = await over_http(settings)
    resolver = await in_process(settings)
    result = {
        "http": http,
        "resolver": resolver,
        "raw": {"store_upserts_s": round(raw_store), "producer_records_s": round(raw_kafka)},
        "ratios": {
            "http_create_vs_raw_store_writes": round(http["create"]["per_s"] / raw_store, 4),
            "http_create_vs_raw_producer": round(http["create"]["per_s"] / raw_kafka, 4),
            "resolver_new_vs_raw_store_writes": round(
                resolver["first_sighting"]["per_s"] / raw_store, 4
            ),
            "resolver_cold_vs_raw_store_writes": round(
                resolver["known_cold"]["per_s"] / raw_store, 4
            ),
            "batch_new_vs_raw_store_writes": round(
                resolver["batch"]["first_sightings"]["per_s"] / raw_store, 4
            ),
            "batch_known_vs_raw_store_writes": round(
                resolver["batch"]["known_cold"]["per_s"] / raw_store, 4
            ),
        },
    }
    console.print(result)
    return result


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
