"""The query API over the real store, fed by the real worker from the real broker."""

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.position import Position
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
PROBLEM = "application/problem+json"


async def test_views_lookups_timeline_search_and_problems(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    sara, dup, other = ev.new_customer_id(), ev.new_customer_id(), ev.new_customer_id()
    story = [
        (
            catalog.contacts,
            ev.created(
                sara,
                0,
                "Sara Ahmadi",
                phones=["+989121234567"],
                emails=["sara@example.com"],
                external_ids={"crm": "123"},
            ),
        ),
        (catalog.contacts, ev.created(dup, 0, "S. Ahmadi", phones=["+989127654321"])),
        (catalog.contacts, ev.created(other, 0, "Reza Karimi")),
        (catalog.interactions, ev.purchase(sara, 1, 1000)),
        (catalog.interactions, ev.call(sara, 2)),
        (catalog.interactions, ev.purchase(dup, 3, 500)),
        (catalog.notifications, ev.notification_sent(sara, 4)),
        (catalog.contacts, ev.merged(sara, dup, 5)),
    ]
    positions = [await publish(producer, topic, event) for topic, event in story]
    async with worker(settings, db, producer), api_client(settings) as http:
        store = await store_of(db)
        await eventually(lambda: caught_up(store, positions), bool, "catch up")

        view = (await http.get(f"/v1/customers/{sara}")).json()
        assert view["kpis"]["total_spent"] == {"USD": 1500}
        assert view["merged_from"] == [dup]
        assert view["merged_into"] is None

        merged = (await http.get(f"/v1/customers/{dup}")).json()
        assert (merged["customer_id"], merged["requested_id"], merged["merged_into"]) == (
            sara,
            dup,
            sara,
        )

        for query in (
            "phone=0912 123 4567",
            "phone=%2B98 912 123 4567",
            "email=SARA@Example.com",
            "external_id=crm:123",
            "phone=09127654321",
        ):
            found = await http.get(f"/v1/customers/lookup?{query}")
            assert found.status_code == 200, (query, found.text)
            assert found.json()["customer_id"] == sara

        missing = await http.get(f"/v1/customers/{ev.new_customer_id()}")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == PROBLEM
        bad_phone = await http.get("/v1/customers/lookup?phone=12")
        assert bad_phone.status_code == 422
        assert bad_phone.json()["errors"][0]["field"] == "phone"
        two = await http.get("/v1/customers/lookup?phone=09121234567&email=a@b.co")
        assert two.status_code == 422
        unknown_phone = await http.get("/v1/customers/lookup?phone=09120000000")
        assert unknown_phone.status_code == 404

        first = (await http.get(f"/v1/customers/{sara}/timeline?limit=3")).json()
        rest = (
            await http.get(f"/v1/customers/{sara}/timeline?limit=50&cursor={first['next_cursor']}")
        ).json()
        ids = [i["id"] for i in first["items"] + rest["items"]]
        expected = [e.id for t, e in story if e.subject in (sara, dup)]
        assert sorted(ids) == sorted(expected)
        assert ids == [
            e.id
            for e in sorted(
                (e for _, e in story if e.subject in (sara, dup)),
                key=lambda e: (e.time, e.id),
                reverse=True,
            )
        ]
        assert rest["next_cursor"] is None
        purchases = (await http.get(f"/v1/customers/{sara}/timeline?type=purchase")).json()
        assert {i["customer_id"] for i in purchases["items"]} == {sara, dup}
        assert all(
            i["type"] == "purchase" and i["data"]["currency"] == "USD" for i in purchases["items"]
        )
        bad_type = await http.get(f"/v1/customers/{sara}/timeline?type=nonsense")
        assert bad_type.status_code == 422

        names = (await http.get("/v1/customers?q=ahmadi&limit=1")).json()
        assert [m["customer_id"] for m in names["items"]] == [sara]
        assert names["next_cursor"] is None  # the merged S. Ahmadi shows as its survivor, once
        reza = (await http.get("/v1/customers?q=REZA")).json()
        assert [m["customer_id"] for m in reza["items"]] == [other]


async def test_read_your_writes_waits_for_the_position(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    async with worker(settings, db, producer), api_client(settings) as http:
        for n in range(5):
            position = await publish(producer, catalog.interactions, ev.purchase(cid, n, 100))
            answer = await http.get(
                f"/v1/customers/{cid}?min_position={position.encode()}&timeout_ms=20000"
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["kpis"]["purchase_count"] == n + 1

        future = Position(position.topic, position.partition, position.offset + 1000).encode()
        late = await http.get(f"/v1/customers/{cid}?min_position={future}&timeout_ms=100")
        assert late.status_code == 504
        assert late.headers["content-type"] == PROBLEM
        forged = await http.get(f"/v1/customers/{cid}?min_position=not-a-token")
        assert forged.status_code == 422
        assert forged.json()["errors"][0]["field"] == "min_position"
        foreign = Position("elsewhere", 0, 1).encode()
        assert (await http.get(f"/v1/customers/{cid}?min_position={foreign}")).status_code == 422
