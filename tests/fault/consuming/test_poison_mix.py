"""10,000 good events for 500 customers with poison of many kinds mixed in, written straight to
`c360.interactions` and `c360.contacts`: every good event is in the views exactly once, every
poison record is in the dead-letter topic with its reason, and the consumer keeps up."""

import asyncio
import contextlib
import random
import time

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord, TopicPartition
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.bootstrap import build_app as build_contacts
from services.interactions.bootstrap import build_app as build_interactions
from services.notifier.bootstrap import build_app as build_notifier
from services.notifier.entrypoints.worker import consumer_group as notifier_group
from services.projections.adapters.store import (
    ProjectionStore,
    active_generation,
    entries_of,
    state_of,
)
from services.projections.entrypoints.runner import group_id, run_worker, worker_health
from shared.consuming import BatchRunner, ConsumerHealth
from shared.kafka import make_consumer, partitions_of
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.fault.consuming.poison import (
    CONTACT_POISON,
    HTTP_POISON,
    POISON,
    Written,
    committed_lag,
    good_call,
    new_customer,
    send,
    year_one,
)
from tests.inprocess import AsgiCalls

pytestmark = [pytest.mark.fault, pytest.mark.timeout(900)]
GOOD_EVENTS = 10_000
CUSTOMERS = 500
POISON_EACH = 5  # records of every poison kind
DEADLINE_S = 600.0


async def test_poison_mixed_into_10000_events_costs_one_dead_letter_each(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    customers = [new_customer() for _ in range(CUSTOMERS)]
    rng = random.Random(13)
    plan: list[tuple[str, str]] = [("good", customers[i % CUSTOMERS]) for i in range(GOOD_EVENTS)]
    kinds = {**POISON, **CONTACT_POISON}
    plan += [(kind, rng.choice(customers)) for kind in kinds for _ in range(POISON_EACH)]
    plan += [("year_one", rng.choice(customers)) for _ in range(POISON_EACH)]
    rng.shuffle(plan)

    good: list[str] = []  # event ids, in the order sent
    poison: dict[Written, str] = {}
    edge: dict[str, Written] = {}
    pending = []
    for kind, customer in plan:
        if kind == "good":
            event_id, value = good_call(customer)
            good.append(event_id)
            pending.append(send(producer, catalog.interactions, customer.encode(), value))
        elif kind == "year_one":
            event_id, value = year_one(customer)
            edge[event_id] = await send(producer, catalog.interactions, customer.encode(), value)
        else:
            topic = catalog.contacts if kind in CONTACT_POISON else catalog.interactions
            key, value = kinds[kind](customer)
            poison[await send(producer, topic, key, value)] = kind
    good_at = set(await asyncio.gather(*pending))
    via_http, refused = await _through_the_door(settings)

    health = worker_health(settings)
    started = time.monotonic()
    task = asyncio.create_task(run_worker(settings, db, producer, health))
    notifier = build_notifier(settings)
    async with notifier.router.lifespan_context(notifier):
        runner: BatchRunner = notifier.state.consumer
        groups = {
            "projections": (group_id(settings, await active_generation(db)), health),
            "notifier": (notifier_group(settings), runner.health),
        }
        try:
            caught_up_s = await _until_caught_up(settings, catalog, groups, task, started)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    seen = await _timeline_ids(db)
    letters = await _dead_letters(settings, catalog.deadletter, len(poison))
    lettered = {(_origin(r), dict(r.headers)["c360-consumer"].decode()): r for r in letters}
    by_projector = {origin: r for (origin, who), r in lettered.items() if who == "projections"}
    by_notifier = {origin for (origin, who) in lettered if who == "notifier"}

    lost = [i for i in good if seen.get(i, 0) == 0]
    doubled = [i for i, n in seen.items() if n > 1]
    assert lost == []
    assert doubled == []
    assert good_at & {origin for origin, _ in lettered} == set(), "a good record dead-lettered"
    assert set(poison) <= set(by_projector), "poison records missing from the dead letters"
    assert by_notifier <= set(poison) | set(edge.values())
    assert by_notifier, "the notifier dead-lettered none of the unreadable records"
    for written, kind in poison.items():
        headers = dict(by_projector[written].headers)
        assert headers["c360-error-kind"], kind
        assert headers["c360-error-message"], kind
    for event_id, written in edge.items():
        assert (seen.get(event_id, 0) == 1) != (written in by_projector), event_id
    for event_id in via_http:  # accepted by the door: folded once, or dead-lettered, not both
        in_letters = any(event_id.encode() in (r.value or b"") for r in by_projector.values())
        assert (seen.get(event_id, 0) == 1) != in_letters, event_id
    not_ready_s = max(h.longest_not_ready_s for _, h in groups.values())

    reasons: dict[str, set[str]] = {}
    for written, kind in poison.items():
        reasons.setdefault(kind, set()).add(
            dict(by_projector[written].headers)["c360-error-kind"].decode()
        )
    print(
        f"\nFIGURES events={len(good)} customers={CUSTOMERS} poison_kinds={len(kinds) + 1} "
        f"poison_records={len(poison) + len(edge)} dead_letters={len(letters)} "
        f"(projections={len(by_projector)} notifier={len(by_notifier)}) lost={len(lost)} "
        f"doubled={len(doubled)} caught_up_s={caught_up_s:.1f} "
        f"longest_not_ready_s={not_ready_s:.1f} reasons={reasons} "
        f"http_accepted={sorted(via_http.values())} http_refused={refused}"
    )


async def _through_the_door(settings: Settings) -> tuple[dict[str, str], dict[str, int]]:
    """Post the kinds the door may still let through over HTTP: (accepted id -> kind, refused
    count by kind). Whatever it accepts, the consumers must apply or dead-letter."""
    accepted: dict[str, str] = {}
    refused: dict[str, int] = {}
    contacts = build_contacts(settings)
    async with contacts.router.lifespan_context(contacts):
        app = build_interactions(settings, contacts_calls=AsgiCalls(contacts))
        async with app.router.lifespan_context(app):
            await _post(app, accepted, refused)
    return accepted, refused


async def _post(app: FastAPI, accepted: dict[str, str], refused: dict[str, int]) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://i") as http:
        for kind, event in HTTP_POISON:
            answer = await http.post("/v1/events", json=event)
            assert answer.status_code < 500, answer.text
            if answer.status_code == 202:
                accepted[event["id"]] = kind
            else:
                refused[kind] = refused.get(kind, 0) + 1


async def _until_caught_up(
    settings: Settings,
    catalog: Topics,
    groups: dict[str, tuple[str, ConsumerHealth]],
    task: asyncio.Task[None],
    started: float,
) -> float:
    """Wait until every group has committed every record; then each must be ready, lag 0."""
    sources = [catalog.interactions, catalog.contacts, catalog.notifications]
    ends = await _ends(settings, sources)
    for name, (group, _) in groups.items():
        while await committed_lag(settings, group, ends) > 0:
            assert not task.done(), f"the projection worker stopped: {task}"
            assert time.monotonic() - started < DEADLINE_S, f"{name} did not catch up"
            for _, other in groups.values():
                other.reason()  # keeps the not-ready durations
            await asyncio.sleep(0.5)
    caught_up_s = time.monotonic() - started
    await asyncio.sleep(2)  # one more lag report after the last commit
    for name, (_, health) in groups.items():
        assert health.lag == 0, name
        assert health.reason() is None, health.reason()
    return caught_up_s


async def _ends(settings: Settings, topics: list[str]) -> dict[TopicPartition, int]:
    consumer = make_consumer(settings, f"{settings.topic_prefix}ends")
    await consumer.start()
    try:
        partitions = await partitions_of(settings, topics)
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def _timeline_ids(db: AsyncDatabase[Document]) -> dict[str, int]:
    """How many times each event id appears in the timelines: the bucket documents and the
    newest part kept inline in each customer's state (a test may scan)."""
    store = ProjectionStore(db, await active_generation(db))
    counts: dict[str, int] = {}
    async for bucket in store.timeline.find({}):
        for entry in entries_of(bucket):
            counts[entry.id] = counts.get(entry.id, 0) + 1
    async for doc in store.customers.find({}):
        for entry in state_of(doc).head:
            counts[entry.id] = counts.get(entry.id, 0) + 1
    return counts


async def _dead_letters(
    settings: Settings, topic: str, at_least: int
) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = make_consumer(settings, f"{settings.topic_prefix}dlq-read", topic)
    await consumer.start()
    letters: list[ConsumerRecord[bytes, bytes]] = []
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=5_000)
            if not batch and len(letters) >= at_least:
                return letters
            assert batch or len(letters) >= at_least, f"only {len(letters)} dead letters"
            letters += [r for rs in batch.values() for r in rs]
    finally:
        await consumer.stop()


def _origin(letter: ConsumerRecord[bytes, bytes]) -> Written:
    headers = dict(letter.headers)
    return Written(
        headers["c360-original-topic"].decode(),
        int(headers["c360-original-partition"]),
        int(headers["c360-original-offset"]),
    )
