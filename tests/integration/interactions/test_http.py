"""`/v1/events` against the real broker and store: answered after the ack, once per event id."""

import asyncio
from typing import Any

import httpx
import orjson
import pytest

from shared.events.codec import MAX_EVENT_BYTES
from shared.position import Position
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.log import eventually, ids_of, read_opened, read_topic
from tests.unit.interactions.samples import PERSIAN, every_interaction, note, spend

pytestmark = pytest.mark.integration
CE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


async def interactions(settings: Settings) -> list[Any]:
    return await read_opened(settings, Topics.from_settings(settings).interactions)


async def test_an_accepted_event_is_in_the_log_at_the_position_it_was_answered_with(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    event = note(phone="0912 123 4567", text=PERSIAN + " 👍")
    response = await api.post("/v1/events", content=orjson.dumps(event), headers=CE)
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"id", "customer_id", "position"}
    assert body["id"] == event["id"]
    position = Position.decode(body["position"])
    assert position.topic == Topics.from_settings(settings).interactions
    [record] = [
        r
        for r in await interactions(settings)
        if (r.partition, r.offset) == (position.partition, position.offset)
    ]
    assert record.key == body["customer_id"].encode()
    written = record.event()
    assert written["id"] == event["id"]
    assert written["subject"] == body["customer_id"]
    customer = written["data"]["customer"]
    assert customer["customer_id"] == body["customer_id"]
    assert customer["phone"] == "0912 123 4567"  # the adapter's data is kept as sent
    assert written["data"]["text"] == PERSIAN + " 👍"


async def test_the_same_customer_in_any_spelling_is_one_customer(api: httpx.AsyncClient) -> None:
    answers = [
        (await api.post("/v1/events", json=note(phone=p), headers=CE)).json()["customer_id"]
        for p in ("0912 765 4321", "+98 912 765 4321", "۰۹۱۲۷۶۵۴۳۲۱")
    ]
    assert len(set(answers)) == 1


async def test_a_retry_is_answered_the_same_and_has_no_second_effect(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    event = note()
    first = await api.post("/v1/events", content=orjson.dumps(event), headers=CE)
    retries = [await api.post("/v1/events", json=event, headers=CE) for _ in range(3)]
    assert all(r.status_code == 202 for r in retries)
    assert all(r.json() == first.json() for r in retries)
    assert all(r.headers["Idempotent-Replayed"] == "true" for r in retries)
    assert ids_of(await interactions(settings))[event["id"]] == 1


async def test_concurrent_copies_of_one_event_publish_it_once(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    event = note()
    answers = await asyncio.gather(*(api.post("/v1/events", json=event) for _ in range(8)))
    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1
    assert ids_of(await interactions(settings))[event["id"]] == 1


async def test_the_same_id_with_other_content_is_a_409(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    event = note(text="first")
    await api.post("/v1/events", json=event)
    response = await api.post("/v1/events", json={**event, "data": {**event["data"], "text": "x"}})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["kind"] == "id_reused"
    [record] = [r for r in await interactions(settings) if r.event()["id"] == event["id"]]
    assert record.event()["data"]["text"] == "first"


async def test_a_batch_of_every_interaction_type_is_accepted(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    events = every_interaction()
    response = await api.post("/v1/events/batch", content=orjson.dumps(events), headers=BATCH)
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"], body["unavailable"]) == (len(events), 0, 0)
    assert [r["id"] for r in body["results"]] == [e["id"] for e in events]
    logged = {r.event()["id"]: r.event() for r in await interactions(settings)}
    for sent in events:
        written = logged[sent["id"]]
        assert written["type"] == sent["type"]
        for field, value in sent["data"].items():  # defaults may be added, nothing changed
            if field != "customer":
                assert written["data"][field] == value, (sent["type"], field)


async def test_a_batch_accepts_the_good_events_and_reports_each_bad_one(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    good = [note(), note(phone="09127654321")]
    unknown = note(type="c360.interaction.fax")
    invalid = note(time="2026-03-01 09:30", data={"customer": {}, "text": ""})
    no_identifier = note(phone="12")
    huge = note(text="x" * 9_000)
    huge["data"]["padding"] = "y" * MAX_EVENT_BYTES
    batch = [good[0], unknown, invalid, no_identifier, "not an object", huge, good[1]]
    response = await api.post("/v1/events/batch", json=batch)
    assert response.status_code == 207
    results = response.json()["results"]
    assert [r["status"] for r in results] == [202, 422, 422, 422, 400, 413, 202]
    assert "c360.interaction.fax" in results[1]["detail"]
    assert {"time", "data.customer", "data.text"} <= {e["field"] for e in results[2]["errors"]}
    assert results[3]["errors"] == [
        {"field": "data.customer.phone", "reason": "'12' is not a valid phone number"}
    ]
    logged = ids_of(await interactions(settings))
    assert set(logged) == {good[0]["id"], good[1]["id"]}


async def test_in_batch_copies_are_one_effect(api: httpx.AsyncClient, settings: Settings) -> None:
    event = note()
    changed = {**event, "data": {**event["data"], "text": "changed"}}
    response = await api.post("/v1/events/batch", json=[event, event, changed])
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == [202, 202, 409]
    assert ids_of(await interactions(settings))[event["id"]] == 1


@pytest.mark.parametrize(
    ("body", "headers", "status", "kind"),
    [
        (b'{"specversion": "1.0",', CE, 400, "malformed_json"),
        (b"[]", CE, 400, "not_an_object"),
        (orjson.dumps(note(type="c360.interaction.fax")), CE, 422, "unknown_type"),
        (orjson.dumps(note(text="x" * (MAX_EVENT_BYTES + 1))), CE, 413, "too_large"),
        (orjson.dumps(note()), {"content-type": "text/plain"}, 415, None),
    ],
)
async def test_bad_single_events_are_problems(
    api: httpx.AsyncClient, body: bytes, headers: dict[str, str], status: int, kind: str | None
) -> None:
    response = await api.post("/v1/events", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem.get("kind") == kind


async def test_every_invalid_field_is_listed(api: httpx.AsyncClient) -> None:
    event = note(
        type="c360.interaction.purchase",
        time="2026-03-01T09:30:00",
        data={
            "customer": {"email": "a@example.com"},
            "order_id": "",
            "amount_minor": -1,
            "currency": "usd",
        },
    )
    response = await api.post("/v1/events", json=event)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields >= {"time", "data.order_id", "data.amount_minor", "data.currency"}


async def test_batches_over_1000_events_are_refused(api: httpx.AsyncClient) -> None:
    response = await api.post("/v1/events/batch", json=[note()] * 1001)
    assert response.status_code == 413
    assert response.json()["kind"] == "too_large"


async def test_binary_mode_over_http(api: httpx.AsyncClient, settings: Settings) -> None:
    event = note(text="باینری")
    headers = {f"ce-{k}": str(v) for k, v in event.items() if k != "data"}
    response = await api.post(
        "/v1/events",
        content=orjson.dumps(event["data"]),
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 202, response.text
    [written] = [r.event() for r in await interactions(settings) if r.event()["id"] == event["id"]]
    assert written["data"]["text"] == "باینری"


async def test_ready_checks_kafka_store_ingress_agent_and_contacts(api: httpx.AsyncClient) -> None:
    async def ready() -> dict[str, Any] | None:
        response = await api.get("/readyz")
        return response.json() if response.status_code == 200 else None

    report = await eventually(ready, "readiness")
    assert report["checks"] == {"kafka": "ok", "store": "ok", "ingress": "ok", "contacts": "ok"}


async def test_marketing_spend_lands_on_the_marketing_topic_keyed_by_channel(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    report = spend(channel="instagram")
    response = await api.post("/v1/events", content=orjson.dumps(report), headers=CE)
    assert response.status_code == 202, response.text
    assert response.json()["customer_id"] is None
    position = Position.decode(response.json()["position"])
    marketing = Topics.from_settings(settings).marketing
    assert position.topic == marketing
    [record] = await read_topic(settings, marketing)
    assert record.key == b"instagram"
    assert record.event()["data"] == report["data"]
    again = await api.post("/v1/events", content=orjson.dumps(report), headers=CE)
    assert again.json() == response.json()
    assert len(await read_topic(settings, marketing)) == 1
