"""Scale-out on one machine: two projection workers in one consumer group, a third joins under
load, one is killed with kill -9. Every event is projected exactly once (set equality of timeline
ids against the log, no id twice) and the views equal a from-scratch fold of the log."""

import asyncio
import random
import re
from collections import defaultdict

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import ProjectionStore
from services.projections.adapters.views import Resolved, resolve
from services.projections.service_layer.generations import rebuild
from services.projections.service_layer.queries import timeline_page
from shared.mongo import Document
from shared.position import Position
from shared.settings import Settings
from shared.topics import Topics
from tests.fault.projections.test_kill9 import event_for, worker_process
from tests.integration.projections.harness import caught_up, dump, eventually, publish
from tests.processes import ServiceProcess
from tests.unit.projections import events as ev

pytestmark = pytest.mark.fault
CUSTOMERS = 100
EVENTS_EACH = 20
GAUGE = re.compile(
    r'^c360_consumer_assigned_partitions\{consumer="projections"\} (\S+)$', re.MULTILINE
)


async def assigned(client: httpx.AsyncClient, process: ServiceProcess) -> int | None:
    """The worker's `c360_consumer_assigned_partitions{consumer="projections"}`, or None if it
    does not answer."""
    port = process.env["C360_PROJECTIONS_WORKER_PORT"]
    try:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")
    except httpx.HTTPError:
        return None
    found = GAUGE.search(response.text)
    return int(float(found.group(1))) if found else None


class Assignments:
    """Samples each live worker's assigned-partition gauge and counts how often a worker's count
    changed (a rebalance that leaves a worker's count as it was is not counted)."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}
        self.changes = 0

    async def sample(self, client: httpx.AsyncClient, live: list[ServiceProcess]) -> dict[int, int]:
        now: dict[int, int] = {}
        for process in live:
            value = await assigned(client, process)
            if value is None or process.proc is None:
                continue
            key = process.proc.pid
            if key in self.last and self.last[key] != value:
                self.changes += 1
            self.last[key] = now[key] = value
        return now


async def timeline_ids(store: ProjectionStore, customer: Resolved) -> list[str]:
    page = await timeline_page(store, customer, 200, None, None)
    assert page.next_cursor is None
    return [e.id for _, e in page.items]


async def test_two_workers_then_three_then_kill9_project_every_event_exactly_once(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
) -> None:
    rng = random.Random(9)
    customers = [ev.new_customer_id() for _ in range(CUSTOMERS)]
    published: dict[str, set[str]] = defaultdict(set)
    positions: list[Position] = []
    progress = asyncio.Event()  # set after every round of the load

    async def send(topic: str, customer: str, event_index: int) -> None:
        event = (
            ev.created(customer, 0, f"Customer {customer}")
            if event_index == 0
            else event_for(customer, event_index, rng)
        )
        positions.append(await publish(producer, topic, event))
        published[customer].add(event.id)

    async def load() -> None:
        for customer in customers:
            await send(catalog.contacts, customer, 0)
        for n in range(1, EVENTS_EACH + 1):
            for customer in customers:
                await send(catalog.interactions, customer, n)
            progress.set()
            await asyncio.sleep(0.05)

    async def rounds_done(at_least: int) -> None:
        while len(positions) < CUSTOMERS * (1 + at_least):
            progress.clear()
            await progress.wait()

    workers = [worker_process(settings) for _ in range(3)]
    seen = Assignments()
    async with httpx.AsyncClient(timeout=2.0) as client:
        await asyncio.gather(*(asyncio.to_thread(w.start) for w in workers[:2]))
        loading = asyncio.create_task(load())
        try:
            await rounds_done(EVENTS_EACH // 4)
            await seen.sample(client, workers[:2])
            await asyncio.to_thread(workers[2].start)  # a third worker joins the group
            three = await eventually(
                lambda: seen.sample(client, workers),
                lambda a: len(a) == 3 and all(a.values()),
                "the third worker owns partitions",
            )
            total = sum(three.values())
            await rounds_done(EVENTS_EACH // 2)
            workers[0].kill9()  # one of the first two crashes mid-load
            survivors = workers[1:]
            await eventually(
                lambda: seen.sample(client, survivors),
                lambda a: len(a) == 2 and sum(a.values()) == total,
                "the survivors take over the dead worker's partitions",
            )
            await loading
            store = ProjectionStore(db, "g1")
            await eventually(lambda: caught_up(store, positions), bool, "survivors catch up")
        finally:
            loading.cancel()
            for process in workers:
                process.stop()

    rebuilt = await rebuild(settings, db, producer, switch=False)
    live_store, fresh_store = ProjectionStore(db, "g1"), ProjectionStore(db, rebuilt)
    lost = duplicates = 0
    for customer in customers:
        live = await resolve(live_store, customer, head=True)
        fresh = await resolve(fresh_store, customer, head=True)
        assert live is not None
        assert fresh is not None
        ids = await timeline_ids(live_store, live)
        lost += len(published[customer] - set(ids))
        duplicates += len(ids) - len(set(ids))
        assert set(ids) == published[customer], customer
        assert len(ids) == len(set(ids)), customer
        assert live.view(ev.T0).kpis == fresh.view(ev.T0).kpis
        assert set(await timeline_ids(fresh_store, fresh)) == published[customer]
    assert await dump(db, "g1") == await dump(db, rebuilt)
    events = sum(len(ids) for ids in published.values())
    print(
        f"\nscale-out: events={events} customers={CUSTOMERS} workers=2->3->2 (one kill -9) "
        f"partitions_per_group={total} rebalances=2 (join, then kill -9; each confirmed by the "
        f"gauges) worker_assignment_changes={seen.changes} "
        f"duplicates={duplicates} lost={lost}"
    )
