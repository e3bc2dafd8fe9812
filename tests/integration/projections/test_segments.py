"""Segments with the real broker and store: a purchase lifts a customer into a segment (the
membership and the `segment.entered` event appear), and a segment defined after the fact
back-fills to the same members that incremental evaluation produced."""

from datetime import timedelta
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import EventType, decode_event
from shared.kafka import make_consumer
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import (
    api_client,
    caught_up,
    eventually,
    publish,
    store_of,
    worker,
)
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration
BIG_SPENDERS = {"field": "kpis.total_spent.USD", "op": "gte", "value": 5000}


async def segment_events(consumer: AIOKafkaConsumer, seen: list[Any]) -> list[Any]:
    batch = await consumer.getmany(timeout_ms=200)
    seen += [decode_event(r.value or b"") for rs in batch.values() for r in rs]
    return seen


async def all_members(http: Any, segment_id: str) -> list[str]:
    found: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await http.get(f"/v1/segments/{segment_id}/members", params=params)).json()
        found += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def test_a_purchase_over_the_threshold_enters_the_segment_and_backfill_agrees(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    small, big, nobody = ev.new_customer_id(), ev.new_customer_id(), ev.new_customer_id()
    story = [
        (catalog.interactions, ev.purchase(small, 1, 1000)),
        (catalog.interactions, ev.purchase(big, 2, 9000)),
        (catalog.interactions, ev.call(nobody, 3)),
    ]
    positions = [await publish(producer, topic, event) for topic, event in story]
    consumer = make_consumer(settings, f"{settings.topic_prefix}segments-test", catalog.segments)
    await consumer.start()
    seen: list[Any] = []
    try:
        async with worker(settings, db, producer), api_client(settings) as http:
            store = await store_of(db)
            await eventually(lambda: caught_up(store, positions), bool, "catch up")

            created = await http.post(
                "/v1/segments", json={"id": "big", "name": "Big spenders", "rule": BIG_SPENDERS}
            )
            assert created.status_code == 201, created.text
            assert created.json()["backfill"]["status"] == "waiting"

            async def described() -> Any:
                return (await http.get("/v1/segments/big")).json()

            done = await eventually(described, lambda s: s["backfill"]["status"] == "done", "fill")
            assert (done["size"], done["backfill"]["scanned"], done["backfill"]["entered"]) == (
                1,
                3,
                1,
            )
            assert await all_members(http, "big") == [big]

            # the purchase that lifts `small` over the threshold
            positions.append(
                await publish(producer, catalog.interactions, ev.purchase(small, 4, 4500))
            )
            await eventually(lambda: all_members(http, "big"), lambda m: small in m, "entering")
            view = await eventually(
                lambda: http.get(f"/v1/customers/{small}"),
                lambda r: r.json()["segments"] == ["big"],
                "the view lists the segment",
            )
            assert view.json()["kpis"]["total_spent"] == {"USD": 5500}
            entered = await eventually(
                lambda: segment_events(consumer, seen),
                lambda s: {e.subject for e in s} >= {small, big},
                "segment.entered events",
            )
            assert {(e.type, e.subject) for e in entered} == {
                (EventType.SEGMENT_ENTERED, small),
                (EventType.SEGMENT_ENTERED, big),
            }

            # defined after the fact: back-fills to the members incremental evaluation made
            again = await http.post(
                "/v1/segments", json={"id": "big-again", "name": "Again", "rule": BIG_SPENDERS}
            )
            assert again.status_code == 201
            await eventually(
                lambda: http.get("/v1/segments/big-again"),
                lambda r: r.json()["backfill"]["status"] == "done",
                "second back-fill",
            )
            assert sorted(await all_members(http, "big-again")) == sorted(
                await all_members(http, "big")
            )
            assert sorted(await all_members(http, "big")) == sorted([small, big])
    finally:
        await consumer.stop()


async def test_the_segment_api_answers_problems_naming_the_bad_part(
    settings: Settings, catalog: Topics, db: AsyncDatabase[Document]
) -> None:
    async with api_client(settings) as http:
        bad = {"all": [BIG_SPENDERS, {"field": "kpis.purchase_count", "op": "between"}]}
        answer = await http.post("/v1/segments", json={"id": "x", "name": "X", "rule": bad})
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == ["rule.all.1.op"]

        unknown = {"field": "favourite.colour", "op": "eq", "value": "red"}
        answer = await http.post("/v1/segments", json={"id": "x", "name": "X", "rule": unknown})
        assert answer.status_code == 422
        assert "favourite.colour" in answer.json()["errors"][0]["reason"]

        body = {
            "id": "vip",
            "name": "VIP",
            "rule": {"field": "profile.tags", "op": "contains", "value": "vip"},
        }
        assert (await http.post("/v1/segments", json=body)).status_code == 201
        assert (await http.post("/v1/segments", json=body)).status_code == 409
        listed = (await http.get("/v1/segments")).json()
        assert [s["id"] for s in listed] == ["vip"]
        assert orjson.loads(orjson.dumps(listed[0]["rule"]))["op"] == "contains"
        assert (await http.delete("/v1/segments/vip")).status_code == 204
        assert (await http.get("/v1/segments/vip")).status_code == 404
        assert (await http.get("/v1/segments")).json() == []


async def test_analytics_scores_fold_into_the_view_and_move_customers_out_of_a_segment(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    rule = {"field": "analytics.rfm.cell", "op": "in", "value": ["at_risk", "cannot_lose"]}
    positions = [await publish(producer, catalog.analytics, scored(cid, "at_risk", 1))]
    consumer = make_consumer(settings, f"{settings.topic_prefix}segments-test", catalog.segments)
    await consumer.start()
    seen: list[Any] = []
    try:
        async with worker(settings, db, producer), api_client(settings) as http:
            store = await store_of(db)
            await eventually(lambda: caught_up(store, positions), bool, "catch up")
            body = {"id": "at-risk", "name": "At risk", "rule": rule}
            assert (await http.post("/v1/segments", json=body)).status_code == 201
            await eventually(lambda: all_members(http, "at-risk"), lambda m: m == [cid], "fill")

            await publish(producer, catalog.analytics, scored(cid, "champions", 2))
            await eventually(lambda: all_members(http, "at-risk"), lambda m: m == [], "leaving")
            # the membership document is written just before the state that records it
            view = await eventually(
                lambda: http.get(f"/v1/customers/{cid}"),
                lambda r: r.json()["analytics"]["rfm"]["cell"] == "champions",
                "the new scores on the view",
            )
            assert view.json()["segments"] == []
            changes = await eventually(
                lambda: segment_events(consumer, seen), lambda s: len(s) >= 2, "events"
            )
            assert [e.type for e in changes] == [
                EventType.SEGMENT_ENTERED,
                EventType.SEGMENT_EXITED,
            ]
            assert changes[0].data.cause.startswith("backfill:")
            assert changes[1].data.cause.startswith("analytics:")
    finally:
        await consumer.stop()


def scored(customer_id: str, cell: str, hours: int) -> Any:
    at = ev.T0 + timedelta(hours=hours)
    data = {
        "customer_id": customer_id,
        "rfm": {"recency": 2, "frequency": 3, "monetary": 5, "cell": cell},
        "clv": None,
        "model_id": "m-1",
        "scored_at": at.isoformat(),
    }
    return ev.make_event(EventType.ANALYTICS_SCORED, data, subject=customer_id, time=at.isoformat())
