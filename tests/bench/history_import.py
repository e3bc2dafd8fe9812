"""`BENCH=import make bench`: a shop's synthetic history through `c360 import`.

70,000 purchases of 23,500 new customers (`C360_BENCH_IMPORT_EVENTS` scales both), skewed purchase
counts, 1-3 identifiers per customer, dates over 18 months; the real `c360 import` command against
running contacts, interactions, projections API and worker. Figures: events/s of the command, time
until every customer's view holds all their purchases (the worker's checkpoints pass the end of
the log the import left), then until each view, read once through the lookup API by the
customer's shop number, was found exact; lookup p50/p99 of 20 concurrent agents
(each looking a customer up every `AGENT_THINK_S` plus the answer's time) during the import, and
the import rate against the raw producer rate of the same run.
"""

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import aiohttp
from aiokafka import TopicPartition

from deploy.local.stack.settings import StackSettings
from services.projections.adapters.store import ProjectionStore, active_generation
from shared.concurrency import within
from shared.kafka import ensure_topics, make_reader, partitions_of
from shared.mongo import make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import (
    console,
    percentiles,
    projection_workers,
    raw_producer_rate,
    stop_all,
)
from tests.bench.load import LoadClient
from tests.infra import REPO
from tests.processes import running, settings_env

EVENTS = int(os.environ.get("C360_BENCH_IMPORT_EVENTS", "70000"))
CUSTOMERS = max(1, EVENTS * 23_500 // 70_000)
# projection worker processes sharing the partitions: as many as `make up` runs
# (`C360_PROJECTORS`), unless `C360_BENCH_IMPORT_WORKERS` says otherwise
WORKERS = int(os.environ.get("C360_BENCH_IMPORT_WORKERS", StackSettings().projectors))
AGENTS = 20
# Between two lookups an agent talks to the customer: 0.5 s here, far less than a call, so the
# 20 agents still ask 40 times a second. (Back to back they asked about 270 times a second,
# which measured the API's capacity and took most of a core from the import.)
AGENT_THINK_S = 0.5
MAPPING = (
    "customer.external_ids.shop=customer,customer.email=email,customer.phone=phone,"
    "time=date,quantity=qty,amount=amount"
)


def purchase_counts(rng: random.Random) -> list[int]:
    """Every customer buys once; the rest of the purchases go to a few, Pareto-like."""
    counts = [1] * CUSTOMERS
    weights = [1 / (rank + 1) ** 1.1 for rank in range(CUSTOMERS)]
    for index in rng.choices(range(CUSTOMERS), weights, k=EVENTS - CUSTOMERS):
        counts[index] += 1
    return counts


def history(rng: random.Random) -> tuple[str, dict[str, int]]:
    start = datetime.now(UTC) - timedelta(days=548)
    rows, expected = ["customer,email,phone,date,qty,amount"], {}
    for n, count in enumerate(purchase_counts(rng)):
        shop = f"S{n:06d}"
        kinds = rng.randint(1, 3)
        email = f"buyer{n}@shop.example" if kinds >= 2 else ""
        phone = f"+98912{n:07d}" if kinds == 3 else ""
        expected[shop] = count
        for _ in range(count):
            day = start + timedelta(minutes=rng.randrange(548 * 24 * 60))
            rows.append(
                f"{shop},{email},{phone},{day.isoformat()},1,{rng.randint(100, 20000) / 100:.2f}"
            )
    header, body = rows[0], rows[1:]
    rng.shuffle(body)  # a shop exports by order, not by customer
    return "\n".join([header, *body]) + "\n", expected


async def agents(url: str, shops: list[str], stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    async with LoadClient(url, connections=AGENTS, timeout_s=30) as client:

        async def agent(seed: int) -> None:
            rng = random.Random(seed)
            while not stop.is_set():
                shop = rng.choice(shops)
                began = time.perf_counter()
                # a dropped connection counts at its full latency: the agent waited for nothing
                with contextlib.suppress(aiohttp.ClientError):
                    await client.get("/v1/customers/lookup", params={"external_id": f"shop:{shop}"})
                latencies.append(time.perf_counter() - began)
                with contextlib.suppress(TimeoutError):
                    await within(stop.wait(), AGENT_THINK_S)

        await asyncio.gather(*(agent(i) for i in range(AGENTS)))
    return latencies


async def folded_to_the_end(settings: Settings) -> None:
    """Returns when the projection worker's checkpoints have passed every record now in the
    contacts and interactions topics (what the finished import put there). Reading views to learn
    it would load the very API and store the worker needs."""
    topics = Topics.from_settings(settings)
    parts = await partitions_of(settings, [topics.interactions, topics.contacts])
    reader = make_reader(settings)
    client = make_client(settings)
    await reader.start()
    try:
        ends = await reader.end_offsets(parts)
        db = client[settings.database]
        store = ProjectionStore(db, await active_generation(db))
        while True:  # a poll of the store: nothing here can signal an event
            if await _passed(store, ends):
                return
            await asyncio.sleep(0.25)
    finally:
        await reader.stop()
        await client.close()


async def _passed(store: ProjectionStore, ends: dict[TopicPartition, int]) -> bool:
    return all([await store.checkpoint(tp.topic, tp.partition) >= end for tp, end in ends.items()])


async def complete(url: str, expected: dict[str, int]) -> None:
    """Returns when every customer's view holds all of their purchases."""
    waiting = dict(expected)
    slots = asyncio.Semaphore(AGENTS)
    async with LoadClient(url, connections=AGENTS, timeout_s=30) as client:

        async def check(shop: str) -> None:
            async with slots:
                try:
                    answer = await client.get(
                        "/v1/customers/lookup", params={"external_id": f"shop:{shop}"}
                    )
                except aiohttp.ClientError:  # a loaded API dropped the connection: ask again
                    return
            view = answer.json() if answer.status_code == 200 else None
            if view and view["kpis"]["purchase_count"] == waiting[shop]:
                waiting.pop(shop)

        while waiting:
            await asyncio.gather(*(check(shop) for shop in list(waiting)))
            if waiting:
                await asyncio.sleep(0.5)


@contextlib.contextmanager
def more_workers(settings: Settings, count: int) -> Iterator[None]:
    """Projection workers beside the one `running` starts: the group shares the partitions."""
    workers = projection_workers(settings_env(settings, C360_LOG_LEVEL="WARNING"), count)
    try:
        for worker in workers:
            worker.start()
        yield
    finally:
        stop_all(workers)


async def run(settings: Settings) -> dict[str, Any]:
    await ensure_topics(settings)
    # on topics of its own (deleted with the run's): the import's log holds only the import
    aside = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}raw."})
    raw = await raw_producer_rate(aside)
    text, expected = history(random.Random(7))
    shape = f"{EVENTS:,} purchases of {CUSTOMERS:,} customers, {WORKERS} projection worker(s)"
    console.print(f"[bold]import[/] {shape}")
    with (
        TemporaryDirectory() as folder,
        running(
            settings, "contacts", "interactions", "projections", "worker", C360_LOG_LEVEL="WARNING"
        ) as urls,
        more_workers(settings, WORKERS - 1),
    ):
        file = Path(folder) / "history.csv"
        file.write_text(text)
        env = settings_env(settings, C360_INTERACTIONS_URL=urls["interactions"])
        command = [sys.executable, "-m", "services.ops.cli", "import", str(file), "--map", MAPPING]
        stop = asyncio.Event()
        lookups = asyncio.create_task(agents(urls["projections"], list(expected), stop))
        began = time.perf_counter()
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, cwd=REPO, capture_output=True, text=True, check=False
        )
        imported_s = time.perf_counter() - began
        console.print(f"  c360 import took {imported_s:.1f} s; waiting for every view")
        stop.set()
        latencies = await lookups
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        await folded_to_the_end(settings)
        complete_s = time.perf_counter() - began  # every view is written: nothing else will be
        await complete(urls["projections"], expected)  # and each, read once, is exact
        read_back_s = time.perf_counter() - began
    rate = EVENTS / imported_s
    result = {
        "events": EVENTS,
        "customers": CUSTOMERS,
        "projection_workers": WORKERS,
        "import_events_s": round(rate),
        "import_s": round(imported_s, 1),
        "every_view_complete_s": round(complete_s, 1),
        "every_view_read_back_s": round(read_back_s, 1),
        "agent_lookups_during_import": percentiles(latencies),
        "raw_producer_records_s": round(raw),
        "ratio_to_raw_producer": round(rate / raw, 3),
    }
    console.print(f"  {result}")
    return result
