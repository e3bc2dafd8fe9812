"""The door's rules on both paths, against the real broker and store: over HTTP a 422 problem
naming the field; on the Kafka ingress a dead letter naming the field, and consuming goes on."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from shared.events import EventType
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.log import read_topic
from tests.integration.interactions.test_ingress import until_logged, until_on
from tests.unit.interactions.samples import note, sample

pytestmark = pytest.mark.integration
CE = {"content-type": "application/cloudevents+json"}


def purchase(amount: object) -> dict[str, Any]:
    event = sample(EventType.PURCHASE)
    return {**event, "data": {**event["data"], "amount_minor": amount, "items": []}}


def call(wrapup_code: str) -> dict[str, Any]:
    event = sample(EventType.CALL)
    return {**event, "data": {**event["data"], "wrapup_code": wrapup_code}}


def door_cases() -> list[tuple[str, dict[str, Any]]]:
    """(field named in the refusal, event) for every rule of the door."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    return [
        ("time", note(time="0001-01-01T00:00:00+14:00")),
        ("time", note(time=tomorrow)),
        ("data.text", note(text="before\x00after")),
        ("data.text", note(text="bell\x07")),
        ("source", note(source="adapters/\x1bpbx")),
        ("data.amount_minor", purchase(True)),
        ("data.amount_minor", purchase("100")),
        ("data.amount_minor", purchase(2**63)),
        ("traceparent", {**note(), "traceparent": 7}),
        ("traceparent", {**note(), "traceparent": "x" * 2_000}),
        ("data.wrapup_code", call("not_on_the_list")),  # C360_WRAPUP_CODES
    ]


@pytest.mark.parametrize(("field", "event"), door_cases())
async def test_http_refuses_with_a_problem_naming_the_field(
    api: httpx.AsyncClient, field: str, event: dict[str, Any]
) -> None:
    answer = await api.post("/v1/events", content=orjson.dumps(event), headers=CE)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == [field]


async def test_http_refuses_a_lone_surrogate_and_invalid_utf8(api: httpx.AsyncClient) -> None:
    body = orjson.dumps(note(text="PLACEHOLDER"))
    for bad in (b"\\ud800", b"\xff\xfe"):
        answer = await api.post("/v1/events", content=body.replace(b"PLACEHOLDER", bad), headers=CE)
        assert answer.status_code == 400, answer.text
        assert answer.json()["kind"] == "malformed_json"


async def test_a_batch_answers_each_refusal_with_its_field(api: httpx.AsyncClient) -> None:
    cases = door_cases()
    good = note()
    items = [event for _, event in cases] + [good]
    answer = await api.post(
        "/v1/events/batch",
        content=orjson.dumps(items),
        headers={"content-type": "application/cloudevents-batch+json"},
    )
    assert answer.status_code == 207, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [422] * len(cases) + [202]
    named = [[e["field"] for e in r["errors"]] for r in results[:-1]]
    assert named == [[field] for field, _ in cases]


async def test_the_ingress_dead_letters_each_refusal_naming_the_field(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    cases = door_cases()
    offsets = {}
    for field, event in cases:
        meta = await producer.send_and_wait(topics.ingress, orjson.dumps(event), key=b"pbx")
        offsets[(meta.partition, meta.offset)] = field
    good = note(text="after the refusals")
    await producer.send_and_wait(topics.ingress, orjson.dumps(good), key=b"pbx")
    await until_logged(settings, good["id"])
    letters = await until_on(settings, topics.deadletter, len(cases))
    for letter in letters:
        origin = (
            int(letter.headers["c360-original-partition"]),
            int(letter.headers["c360-original-offset"]),
        )
        field = offsets.pop(origin)
        assert letter.headers["c360-error-kind"] == b"schema_violation"
        assert f"({field}: ".encode() in letter.headers["c360-error-message"]
    assert offsets == {}
    logged = await read_topic(settings, topics.interactions)
    assert [r.event()["id"] for r in logged] == [good["id"]]
