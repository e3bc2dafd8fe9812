"""Idempotency and rebuild: the same log gives the same views, however it was delivered."""

import asyncio
import random

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import active_generation
from services.projections.adapters.views import load_view
from services.projections.service_layer.generations import drop_generation, rebuild
from shared.mongo import Document
from shared.position import Position
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import (
    caught_up,
    dump,
    eventually,
    publish,
    store_of,
    worker,
)
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration


async def test_the_same_events_delivered_twice_give_the_same_view(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    story = [
        ev.created(cid, 0),
        ev.purchase(cid, 1, 700),
        ev.call(cid, 2),
        ev.purchase(cid, 3, 300),
    ]
    topics = [catalog.contacts] + [catalog.interactions] * 3
    once = [await publish(producer, t, e) for t, e in zip(topics, story, strict=True)]
    async with worker(settings, db, producer):
        await eventually(lambda: caught_up_in(db, once), bool, "first delivery")
        first = await load_view(db, cid, now=ev.T0)
        # a producer retrying at ingestion: the very same events (same ids) are in the log again
        again = [await publish(producer, t, e) for t, e in zip(topics, story, strict=True)]
        await eventually(lambda: caught_up_in(db, again), bool, "second delivery")
    assert await load_view(db, cid, now=ev.T0) == first
    assert first is not None
    assert first.kpis.total_spent == {"USD": 1000}
    assert first.version == len(story)
    # ...and the whole log folded again from offset 0 into a new generation agrees
    generation = await rebuild(settings, db, producer, switch=False)
    live, rebuilt = await dump(db, "g1"), await dump(db, generation)
    assert len(live["customer_360"]) == 1
    assert len(live["identity_lookup"]) == 0  # the contact had no identifiers
    assert rebuilt == live


async def caught_up_in(db: AsyncDatabase[Document], positions: list[Position]) -> bool:
    return await caught_up(await store_of(db), positions)


async def test_a_rebuild_equals_the_live_views_after_merges_during_ingestion(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    customers = [ev.new_customer_id() for _ in range(8)]
    rng = random.Random(7)
    positions = [
        await publish(producer, catalog.contacts, ev.created(c, 0, f"Customer {n}"))
        for n, c in enumerate(customers)
    ]

    async def ingest(customer: str) -> None:
        for minute in range(1, 25):
            event = (
                ev.purchase(customer, minute, rng.randint(1, 9) * 100)
                if minute % 3
                else ev.call(customer, minute)
            )
            positions.append(await publish(producer, catalog.interactions, event))

    async def merge_and_unmerge() -> None:
        await asyncio.sleep(0.05)
        positions.append(
            await publish(producer, catalog.contacts, ev.merged(customers[0], customers[1], 10))
        )
        positions.append(
            await publish(producer, catalog.contacts, ev.merged(customers[2], customers[3], 11))
        )
        positions.append(
            await publish(producer, catalog.contacts, ev.merged(customers[0], customers[2], 12))
        )
        positions.append(
            await publish(producer, catalog.contacts, ev.merged(customers[4], customers[5], 13))
        )
        positions.append(
            await publish(producer, catalog.contacts, ev.unmerged(customers[4], customers[5], 14))
        )

    async with worker(settings, db, producer):
        await asyncio.gather(*(ingest(c) for c in customers), merge_and_unmerge())
        await eventually(lambda: caught_up_in(db, positions), bool, "live catch-up")
    live = {c: await load_view(db, c, now=ev.T0) for c in customers}
    survivor = live[customers[3]]
    assert survivor is not None
    assert survivor.customer_id == customers[0]  # 3 -> 2 -> 0, transitively
    assert sorted(survivor.merged_from) == sorted(customers[1:4])
    for member in customers[:4]:
        seen = live[member]
        assert seen is not None
        assert seen.kpis == survivor.kpis
    assert survivor.kpis.interaction_count == 4 * 24
    unmerged = live[customers[5]]
    assert unmerged is not None
    assert unmerged.customer_id == customers[5]  # unmerged again

    generation = await rebuild(settings, db, producer)
    assert await active_generation(db) == generation
    rebuilt, original = await dump(db, generation), await dump(db, "g1")
    assert len(original["customer_360"]) == len(customers)
    assert len(original["merge_links"]) == 4
    assert rebuilt == original
    assert {c: await load_view(db, c, now=ev.T0) for c in customers} == live
    await drop_generation(db, "g1", lambda _: None)
    assert "customer_360_g1" not in await db.list_collection_names()
