"""kill -9 the worker after it announced segment changes and before it wrote the states: the
restarted worker announces them again with the same event ids (nothing lost, nothing new), and
the memberships end complete."""

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.fault_points import ENV as PAUSE_ENV
from services.projections.adapters.segments import Memberships, SegmentDefinitions
from services.projections.adapters.store import ProjectionStore
from services.projections.domain.segments import Segment
from shared.conditions import parse_condition
from shared.events import EventType, decode_event
from shared.kafka import make_consumer
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.fault.projections.test_kill9 import worker_process
from tests.integration.projections.harness import caught_up, eventually, publish
from tests.unit.projections import events as ev

pytestmark = pytest.mark.fault
CUSTOMERS = 5


async def test_kill9_between_announcing_and_writing_repeats_the_same_event_ids(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    tmp_path: Path,
) -> None:
    rule = parse_condition({"field": "kpis.total_spent.USD", "op": "gte", "value": 2000})
    segment = Segment(id="big", name="Big", rule=rule, created_at=datetime.now(UTC))
    await SegmentDefinitions(db).add(segment)
    customers = [ev.new_customer_id() for _ in range(CUSTOMERS)]
    positions = []
    for c in customers:  # in the log before the worker starts: one batch lifts them all
        positions.append(await publish(producer, catalog.interactions, ev.purchase(c, 1, 1000)))
        positions.append(await publish(producer, catalog.interactions, ev.purchase(c, 2, 1500)))

    marker = tmp_path / "paused"
    processes = [worker_process(settings, **{PAUSE_ENV: str(marker)}).start()]
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # announced, membership documents written, states not
            assert time.monotonic() < deadline, processes[0].log_tail()
            await asyncio.sleep(0.05)
        processes[0].kill9()
        processes.append(worker_process(settings).start())
        store = ProjectionStore(db, "g1")
        await eventually(lambda: caught_up(store, positions), bool, "the restarted worker")
    finally:
        for process in processes:
            process.stop()

    members = Memberships(store)
    assert sorted(await members.page("big", None, 100)) == sorted(customers)
    for c in customers:
        state = await store.load_state(c)
        assert state is not None
        assert state.segments == ("big",)

    consumer = make_consumer(settings, f"{settings.topic_prefix}check", catalog.segments)
    await consumer.start()
    try:
        records: list[ConsumerRecord[bytes, bytes]] = []
        while len(records) < 2 * CUSTOMERS:  # announced before the kill, and again after
            batch = await consumer.getmany(timeout_ms=2000)
            if not batch:
                break
            records += [r for rs in batch.values() for r in rs]
    finally:
        await consumer.stop()
    ids: dict[str | None, set[str]] = defaultdict(set)
    for record in records:
        event = decode_event(record.value or b"")
        assert event.type is EventType.SEGMENT_ENTERED
        ids[event.subject].add(event.id)
    assert set(ids) == set(customers)
    assert all(len(found) == 1 for found in ids.values()), ids  # repeats share their id
    assert len(records) == 2 * CUSTOMERS  # each announced twice, with one id
