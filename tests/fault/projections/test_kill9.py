"""kill -9 the worker mid-batch under load, restart it: the views equal a from-scratch fold of the
log (set equality of timeline event ids, exact KPI equality, identical documents)."""

import asyncio
import random
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.fault_points import ENV as PAUSE_ENV
from services.projections.adapters.store import ProjectionStore
from services.projections.adapters.views import Resolved, resolve
from services.projections.service_layer.generations import rebuild
from services.projections.service_layer.queries import timeline_page
from shared.events import Event, EventType
from shared.mongo import Document
from shared.position import Position
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import caught_up, dump, eventually, publish
from tests.processes import ServiceProcess, free_port, settings_env
from tests.unit.projections import events as ev

pytestmark = pytest.mark.fault
CUSTOMERS = 30
EVENTS_EACH = 40


def worker_process(settings: Settings, **env: str) -> ServiceProcess:
    port = free_port()
    variables = settings_env(settings, C360_PROJECTIONS_WORKER_PORT=str(port), **env)
    return ServiceProcess(
        "services.projections.worker", variables, f"http://127.0.0.1:{port}/readyz", "projector"
    )


def event_for(customer: str, n: int, rng: random.Random) -> Event:
    if n % 10 == 3:
        return ev.interaction(
            EventType.COMPLAINT_OPENED,
            customer,
            n,
            complaint_id=f"K{n}",
            severity="low",
            subject="x",
        )
    if n % 10 == 7:
        return ev.interaction(
            EventType.COMPLAINT_RESOLVED, customer, n, complaint_id=f"K{n - 4}", resolution="ok"
        )
    return ev.purchase(customer, n, rng.randint(1, 50) * 100) if n % 2 else ev.call(customer, n)


async def timeline_ids(store: ProjectionStore, customer: Resolved) -> set[str]:
    page = await timeline_page(store, customer, 200, None, None)
    assert page.next_cursor is None
    return {e.id for _, e in page.items}


async def test_kill9_mid_batch_under_load_loses_and_doubles_nothing(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    tmp_path: Path,
) -> None:
    rng = random.Random(11)
    customers = [ev.new_customer_id() for _ in range(CUSTOMERS)]
    positions: list[Position] = [
        await publish(producer, catalog.contacts, ev.created(c, 0, f"Customer {i}"))
        for i, c in enumerate(customers)
    ]

    async def load() -> None:
        for n in range(1, EVENTS_EACH + 1):
            for c in customers:
                event = event_for(c, n, rng)
                positions.append(await publish(producer, catalog.interactions, event))
                if n % 13 == 0 and rng.random() < 0.2:  # a producer retry: same event again
                    positions.append(await publish(producer, catalog.interactions, event))
            await asyncio.sleep(0.01)

    marker = tmp_path / "paused"
    processes = [worker_process(settings, **{PAUSE_ENV: str(marker)}).start()]
    loading = asyncio.create_task(load())
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # the worker wrote timelines and not yet the states
            assert time.monotonic() < deadline, processes[0].log_tail()
            await asyncio.sleep(0.05)
        processes[0].kill9()
        processes.append(worker_process(settings).start())
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        processes[1].kill9()  # and once more at an arbitrary moment of the load
        processes.append(worker_process(settings).start())
        await loading
        store = ProjectionStore(db, "g1")
        await eventually(lambda: caught_up(store, positions), bool, "restarted worker catches up")
    finally:
        loading.cancel()
        for process in processes:
            process.stop()

    rebuilt = await rebuild(settings, db, producer, switch=False)
    live_store, fresh_store = ProjectionStore(db, "g1"), ProjectionStore(db, rebuilt)
    for customer in customers:
        live = await resolve(live_store, customer, head=True)
        fresh = await resolve(fresh_store, customer, head=True)
        assert live is not None
        assert fresh is not None
        assert live.view(ev.T0).kpis == fresh.view(ev.T0).kpis
        assert live.view(ev.T0).version == 1 + EVENTS_EACH  # retried publishes counted once
        assert await timeline_ids(live_store, live) == await timeline_ids(fresh_store, fresh)
    assert await dump(db, "g1") == await dump(db, rebuilt)
