"""The store stops for 30 s while events keep arriving: the projection worker pauses (not ready,
with the reason), dead-letters nothing, loses nothing, and is ready again once the store is back.
The store is a private FerretDB on its own port; the shared one is never touched."""

import asyncio
import contextlib
import time

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.structs import TopicPartition
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import active_generation
from services.projections.entrypoints.runner import group_id, run_worker, worker_health
from shared.consuming import ConsumerHealth
from shared.mongo import Document, database, make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.fault.consuming.poison import committed_lag, good_call, new_customer, send
from tests.fault.consuming.test_poison_mix import _ends, _timeline_ids
from tests.integration.interactions.log import read_topic
from tests.private_stack import PrivateStore

pytestmark = [pytest.mark.fault, pytest.mark.timeout(900)]
CUSTOMERS = 100
BEFORE, DURING, AFTER = 500, 1_000, 500
DOWN_S = 30.0
GIVE_UP_S = 300.0


async def test_store_down_for_30s_pauses_the_worker_and_loses_nothing(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, private_store: PrivateStore
) -> None:
    settings = settings.model_copy(update={"mongodb_uri": private_store.uri})
    client = make_client(settings)
    db = database(client, settings)
    customers = [new_customer() for _ in range(CUSTOMERS)]
    sent: set[str] = set()

    async def produce(count: int, spread_s: float = 0.0) -> None:
        for i in range(count):
            event_id, value = good_call(customers[i % CUSTOMERS])
            sent.add(event_id)
            await send(producer, catalog.interactions, customers[i % CUSTOMERS].encode(), value)
            if spread_s:
                await asyncio.sleep(spread_s / count)

    health = worker_health(settings)
    task = asyncio.create_task(run_worker(settings, db, producer, health))
    try:
        await produce(BEFORE)
        await _until_caught_up(settings, db, catalog, task)

        private_store.kill()
        down_at = time.monotonic()
        reasons = await asyncio.gather(produce(DURING, DOWN_S), _watch(health, DOWN_S))
        not_ready_reasons = reasons[1]
        private_store.start()
        back_at = time.monotonic()

        await produce(AFTER)
        await _until_caught_up(settings, db, catalog, task)
        ready_again_s = time.monotonic() - back_at
        assert health.reason() is None, health.reason()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert not_ready_reasons, "the worker said ready while the store was down"
    assert any("paused" in r for r in not_ready_reasons), not_ready_reasons
    assert await read_topic(settings, catalog.deadletter) == []
    seen = await _timeline_ids(db)
    await client.close()
    lost = sent - set(seen)
    doubled = [i for i in sent if seen.get(i, 0) > 1]
    assert lost == set()
    assert doubled == []
    print(
        f"\nFIGURES store_down_s={back_at - down_at:.1f} events={len(sent)} lost={len(lost)} "
        f"doubled={len(doubled)} dead_letters=0 ready_again_after_s={ready_again_s:.1f} "
        f"longest_not_ready_s={health.longest_not_ready_s:.1f}"
    )


async def _watch(health: ConsumerHealth, seconds: float) -> list[str]:
    """The distinct not-ready reasons seen while the store is down."""
    reasons: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reason = health.reason()
        if reason is not None and reason not in reasons:
            reasons.append(reason)
        await asyncio.sleep(0.5)
    return reasons


async def _until_caught_up(
    settings: Settings, db: AsyncDatabase[Document], catalog: Topics, task: asyncio.Task[None]
) -> None:
    sources = [catalog.interactions, catalog.contacts, catalog.notifications]
    ends: dict[TopicPartition, int] = await _ends(settings, sources)
    group = group_id(settings, await active_generation(db))
    deadline = time.monotonic() + GIVE_UP_S
    while await committed_lag(settings, group, ends) > 0:
        assert not task.done(), f"the worker stopped: {task}"
        assert time.monotonic() < deadline, "the worker did not catch up"
        await asyncio.sleep(0.5)
