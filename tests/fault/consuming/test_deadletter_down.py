"""The dead-letter topic cannot be written (here: it does not exist yet): the worker stops at the
poison record and is not ready rather than skip it; once the topic exists, the record is
dead-lettered, the rest applied, and the worker is ready again."""

import asyncio
import contextlib
import time

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import active_generation
from services.projections.entrypoints.runner import group_id, run_worker, worker_health
from shared.kafka import ensure_topics, make_producer
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import CATALOG, DEADLETTER, Topics
from tests.fault.consuming.poison import committed_lag, good_call, new_customer, send
from tests.fault.consuming.test_poison_mix import _ends, _timeline_ids
from tests.integration.interactions.log import read_topic

pytestmark = pytest.mark.fault
GIVE_UP_S = 180.0


async def test_no_dead_letter_topic_stops_the_worker_at_the_record_instead_of_skipping_it(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    topics = Topics.from_settings(settings)
    await ensure_topics(settings, [spec for spec in CATALOG if spec is not DEADLETTER])
    producer = make_producer(settings, request_timeout_ms=3_000)
    await producer.start()
    customer = new_customer()
    try:
        await send(producer, topics.interactions, customer.encode(), b"{not json")
        event_id, value = good_call(customer)
        await send(producer, topics.interactions, customer.encode(), value)
        ends = await _ends(settings, [topics.interactions])
        health = worker_health(settings)
        task = asyncio.create_task(run_worker(settings, db, producer, health))
        group = group_id(settings, await active_generation(db))
        try:
            deadline = time.monotonic() + GIVE_UP_S
            while "dead letters" not in (health.reason() or ""):
                assert time.monotonic() < deadline, health.reason()
                await asyncio.sleep(0.2)
            assert await committed_lag(settings, group, ends) == 2  # nothing skipped

            await ensure_topics(settings, [DEADLETTER])
            while await committed_lag(settings, group, ends) > 0:
                assert time.monotonic() < deadline, health.reason()
                await asyncio.sleep(0.5)
            assert health.reason() is None
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await producer.stop()
    [letter] = await read_topic(settings, topics.deadletter)
    assert letter.value == b"{not json"
    assert letter.headers["c360-error-kind"] == b"malformed_json"
    assert (await _timeline_ids(db)).get(event_id) == 1
