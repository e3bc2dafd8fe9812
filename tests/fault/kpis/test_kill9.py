"""kill -9 the KPI worker between its aggregate write and its facts write, and once more under
load; after restarts the aggregates equal a from-scratch computation of the same log: nothing
lost, nothing doubled."""

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.kpis.adapters.documents import from_document
from services.kpis.adapters.fault_points import ENV as PAUSE_ENV
from services.kpis.domain.cells import summed
from services.kpis.domain.facts import CustomerFacts
from services.kpis.service_layer.folding import KpiFolder
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.kpis.harness import counted, feed, wait_counted
from tests.kpis_history import CHURN_BELOW, synthetic_year
from tests.processes import ServiceProcess, free_port, settings_env
from tests.unit.kpis.fakes import TOPICS, FakeDeadLetters, FakeStore, as_records

pytestmark = pytest.mark.fault
HISTORY = synthetic_year(seed=7, customers=120)
HALF = len(HISTORY) // 2


def kpis_process(settings: Settings, **env: str) -> ServiceProcess:
    port = free_port()
    variables = settings_env(
        settings, C360_KPIS_PORT=str(port), C360_KPIS_CHURN_BELOW=str(CHURN_BELOW), **env
    )
    return ServiceProcess("services.kpis", variables, f"http://127.0.0.1:{port}/readyz", "kpis")


async def from_scratch() -> tuple[Counter[str], dict[str, CustomerFacts]]:
    store = FakeStore()
    await KpiFolder(store, TOPICS, FakeDeadLetters(), CHURN_BELOW).handle(as_records(HISTORY))
    return +summed(a.cells for a in store.aggregates.values()), {
        c: s.facts for c, s in store.facts.items()
    }


async def wait_for(path: Path, process: ServiceProcess, deadline_s: float = 90.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not await asyncio.to_thread(path.exists):
        assert process.proc is not None
        assert process.proc.poll() is None, process.log_tail()
        assert time.monotonic() < deadline, f"fault point not reached:\n{process.log_tail()}"
        await asyncio.sleep(0.1)


async def test_kill9_between_writes_and_under_load_loses_and_doubles_nothing(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    tmp_path: Path,
) -> None:
    marker = tmp_path / "paused"
    first = await feed(settings, producer, HISTORY[:HALF])
    paused = kpis_process(settings, **{PAUSE_ENV: str(marker)}).start()
    try:
        await wait_for(marker, paused)
    finally:
        paused.kill9()  # the aggregate of one partition is written, its customers' facts not
    assert not await counted(db, first)

    loaded = kpis_process(settings).start()
    try:
        rest = await feed(settings, producer, HISTORY[HALF:])
        await asyncio.sleep(0.5)  # mid-way through the second half, somewhere
    finally:
        loaded.kill9()

    final = kpis_process(settings).start()
    try:
        await wait_counted(db, {**first, **rest})
    finally:
        final.stop()

    expected_cells, expected_facts = await from_scratch()
    aggregates = [d async for d in db["kpi_aggregates"].find({})]
    assert +summed(d["cells"] for d in aggregates) == expected_cells
    stored = {d["_id"]: from_document(d).facts async for d in db["kpi_facts"].find({})}
    assert stored == expected_facts
