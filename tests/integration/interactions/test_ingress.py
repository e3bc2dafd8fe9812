"""`c360.ingress` against the real broker: structured and binary mode from Kafka's own console
producer, poison records to the dead letter with their reason, one effect per event id."""

from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from shared.events import EventType
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.console_producer import console_produce
from tests.integration.interactions.log import Record, eventually, ids_of, read_opened, read_topic
from tests.unit.interactions.samples import ARABIC, EMOJI, PERSIAN, note, sample, spend

pytestmark = pytest.mark.integration
Headers = list[tuple[str, bytes]]


async def until_on(settings: Settings, topic: str, count: int) -> list[Record]:
    async def check() -> list[Record] | None:
        found = await read_topic(settings, topic)
        return found if len(found) >= count else None

    found: list[Record] = await eventually(check, f"{count} records on {topic}")
    return found


async def until_logged(settings: Settings, *event_ids: str) -> dict[str, Record]:
    """Wait until every id is on the interactions topic; returns the records by id."""
    topic = Topics.from_settings(settings).interactions

    async def check() -> dict[str, Record] | None:
        found = {r.event()["id"]: r for r in await read_opened(settings, topic)}
        return found if set(event_ids) <= found.keys() else None

    found: dict[str, Record] = await eventually(check, f"{len(event_ids)} events in the log")
    return found


async def test_structured_mode_from_the_console_producer(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    events = [note(text=PERSIAN), note(text=f"{ARABIC} {EMOJI}", phone="09127654321")]
    ingress = Topics.from_settings(settings).ingress
    lines = [orjson.dumps(e).decode() for e in events]
    await console_produce(settings, ingress, lines, headers=False)
    logged = await until_logged(settings, *(e["id"] for e in events))
    for sent in events:
        record = logged[sent["id"]]
        written = record.event()
        assert written["data"]["text"] == sent["data"]["text"]
        assert written["subject"] == written["data"]["customer"]["customer_id"]
        assert record.key == written["subject"].encode()


async def test_binary_mode_from_the_console_producer(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    event = note(text="تماس ورودی 📞")
    attributes = ";".join(f"ce_{k}={v}" for k, v in event.items() if k != "data")
    data = orjson.dumps(event["data"]).decode()
    line = f"{attributes};content-type=application/json\tpbx-1\t{data}"
    ingress = Topics.from_settings(settings).ingress
    await console_produce(settings, ingress, [line], headers=True)
    written = (await until_logged(settings, event["id"]))[event["id"]].event()
    assert (written["type"], written["source"]) == (event["type"], event["source"])
    assert written["data"]["text"] == "تماس ورودی 📞"


def binary(event: dict[str, Any], **override: str) -> tuple[bytes, Headers]:
    attributes = {**{k: str(v) for k, v in event.items() if k != "data"}, **override}
    return orjson.dumps(event["data"]), [(f"ce_{k}", v.encode()) for k, v in attributes.items()]


def poison(reused: dict[str, Any]) -> list[tuple[str, bytes | None, Headers]]:
    """(expected kind, value, headers) for every kind of record the agent must refuse."""
    huge = note()
    huge["data"]["padding"] = "p" * 300_000
    negative = sample(
        EventType.PURCHASE,
        data={
            "customer": {"email": "a@example.com"},
            "order_id": "A",
            "amount_minor": -5,
            "currency": "EUR",
        },
    )
    contact = {**note(), "type": "c360.contact.erased", "data": {"customer_id": "c", "reason": "r"}}
    future = note(dataschema="urn:c360:schema:c360.interaction.note:v9")
    reused_other = {**reused, "data": {**reused["data"], "text": "other content"}}
    return [
        ("malformed_json", b'{"specversion": "1.0", "id": ', []),
        ("malformed_json", None, []),
        ("not_an_object", b"[1, 2, 3]", []),
        ("unknown_type", orjson.dumps(note(type="c360.interaction.fax")), []),
        ("not_an_interaction", orjson.dumps(contact), []),
        ("unsupported_version", orjson.dumps(future), []),
        ("schema_violation", orjson.dumps(negative), []),
        ("schema_violation", *binary(note(), time="yesterday")),
        ("no_usable_identifier", orjson.dumps(note(phone="12")), []),
        ("too_large", orjson.dumps(huge), []),
        ("id_reused", orjson.dumps(reused_other), []),
    ]


async def test_every_poison_record_is_dead_lettered_with_its_reason_and_consuming_goes_on(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    reused = note(text="first")
    bad = poison(reused)
    good = [note(text=f"good {i}") for i in range(len(bad) + 1)]
    await producer.send_and_wait(topics.ingress, orjson.dumps(reused), key=b"adapter-1")
    sent: list[tuple[int, int, str, bytes | None]] = []
    for i, (kind, value, headers) in enumerate(bad):
        meta = await producer.send_and_wait(
            topics.ingress, value, key=b"adapter-1", headers=headers
        )
        sent.append((meta.partition, meta.offset, kind, value))
        await producer.send_and_wait(topics.ingress, orjson.dumps(good[i]), key=b"adapter-1")
    await producer.send_and_wait(topics.ingress, orjson.dumps(good[-1]), key=b"adapter-2")

    await until_logged(settings, reused["id"], *(g["id"] for g in good))
    letters = await until_on(settings, topics.deadletter, len(bad))
    by_origin = {
        (int(r.headers["c360-original-partition"]), int(r.headers["c360-original-offset"])): r
        for r in letters
    }
    assert len(letters) == len(bad)
    for partition, offset, kind, value in sent:
        letter = by_origin[(partition, offset)]
        assert letter.headers["c360-error-kind"].decode() == kind
        assert letter.headers["c360-original-topic"].decode() == topics.ingress
        assert letter.headers["c360-error-message"]
        assert letter.value == value, kind
        assert letter.key == b"adapter-1"
    binary_letter = by_origin[(sent[7][0], sent[7][1])]
    assert binary_letter.headers["ce_time"] == b"yesterday"  # original headers are kept
    assert b"time" in binary_letter.headers["c360-error-message"]


async def test_an_event_seen_before_has_no_second_effect(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    over_http, twice = note(), note()
    assert (await api.post("/v1/events", json=over_http)).status_code == 202
    for event in (over_http, twice, twice):
        await producer.send_and_wait(topics.ingress, orjson.dumps(event), key=b"adapter-1")
    value, headers = binary(twice)
    await producer.send_and_wait(topics.ingress, value, key=b"adapter-1", headers=headers)
    last = note()  # same partition, after the copies: once it is logged, they were handled
    await producer.send_and_wait(topics.ingress, orjson.dumps(last), key=b"adapter-1")
    await until_logged(settings, last["id"])
    counts = ids_of(await read_topic(settings, topics.interactions))
    assert (counts[over_http["id"]], counts[twice["id"]], counts[last["id"]]) == (1, 1, 1)
    assert await read_topic(settings, topics.deadletter) == []


async def test_a_poll_of_nothing_but_poison_is_dead_lettered_and_consuming_goes_on(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    await producer.send_and_wait(topics.ingress, b'{"specversion": "1.0", "id": "x"', key=None)
    letters = await until_on(settings, topics.deadletter, 1)
    assert letters[0].headers["c360-error-kind"] == b"malformed_json"
    good = note(text="after the poison")
    await producer.send_and_wait(topics.ingress, orjson.dumps(good), key=None)
    await until_logged(settings, good["id"])


async def test_marketing_spend_through_the_ingress_lands_on_the_marketing_topic(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    report = spend(channel="referral")
    topics = Topics.from_settings(settings)
    await producer.send_and_wait(topics.ingress, orjson.dumps(report), key=b"ads")
    [record] = await until_on(settings, topics.marketing, 1)
    assert record.key == b"referral"
    assert record.event()["id"] == report["id"]
