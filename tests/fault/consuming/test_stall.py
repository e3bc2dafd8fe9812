"""A consumer that has lag and commits nothing is not ready, with the reason, after
`C360_STALL_AFTER_S`; the same worker without a stall is ready."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.projections.adapters.fault_points import ENV
from services.projections.bootstrap import build_worker
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import publish
from tests.unit.projections import events as ev

pytestmark = pytest.mark.fault
STALL_AFTER_S = 3.0
GIVE_UP_S = 120.0


async def readiness(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/readyz")


async def test_a_stuck_worker_turns_readyz_to_503_naming_the_stall(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = tmp_path / "stuck"
    monkeypatch.setenv(ENV, str(marker))  # the worker hangs between its two writes
    app = build_worker(settings.model_copy(update={"stall_after_s": STALL_AFTER_S}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://w") as client:
            await publish(producer, catalog.interactions, ev.purchase(ev.new_customer_id(), 1))
            deadline = time.monotonic() + GIVE_UP_S
            while not marker.exists():
                assert time.monotonic() < deadline, "the worker never reached the fault point"
                await asyncio.sleep(0.1)
            stuck_at = time.monotonic()
            answer = await readiness(client)
            while answer.status_code == 200:
                assert time.monotonic() < deadline, "readiness never noticed the stall"
                await asyncio.sleep(0.2)
                answer = await readiness(client)
            noticed_s = time.monotonic() - stuck_at
    assert answer.status_code == 503
    consumer_check = answer.json()["checks"]["consumer"]
    assert "stalled" in consumer_check
    assert "records behind" in consumer_check
    print(f"\nFIGURES stall_after_s={STALL_AFTER_S} readyz_503_after_s={noticed_s:.1f}")


async def test_a_worker_keeping_up_is_ready(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    app = build_worker(settings.model_copy(update={"stall_after_s": STALL_AFTER_S}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://w") as client:
            await publish(producer, catalog.interactions, ev.purchase(ev.new_customer_id(), 1))
            deadline = time.monotonic() + GIVE_UP_S
            answer = await readiness(client)
            while answer.status_code != 200:
                assert time.monotonic() < deadline, answer.text
                await asyncio.sleep(0.2)
                answer = await readiness(client)
            await asyncio.sleep(STALL_AFTER_S + 2)
            answer = await readiness(client)
    assert answer.status_code == 200, answer.text
