"""Poison records of many kinds, as another tool or an older version could write them straight
to the log, bypassing the door; and the bookkeeping to check where every record ended up."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.structs import TopicPartition

from shared.events import STRUCTURED_HEADERS, EventType
from shared.kafka import make_admin
from shared.settings import Settings
from tests.factories import event_dict
from tests.unit.interactions.samples import note

Maker = Callable[[str], tuple[bytes | None, bytes]]


def _event(event_type: EventType, customer_id: str | None, **data: object) -> dict[str, object]:
    attrs = {"subject": customer_id} if customer_id else {}
    customer = {"customer_id": customer_id} if customer_id else {"phone": "+989121234567"}
    return event_dict(event_type, {"customer": customer, **data}, **attrs)


def _bytes(event: dict[str, object]) -> bytes:
    return orjson.dumps(event)


def good_call(customer_id: str) -> tuple[str, bytes]:
    event = _event(EventType.CALL, customer_id, direction="inbound", duration_seconds=60)
    return str(event["id"]), _bytes(event)


# Each kind: (key, value) for a customer id. All must end in the dead-letter topic.
POISON: dict[str, Maker] = {
    "invalid_json": lambda c: (c.encode(), b'{"specversion": "1.0", "id": '),
    "wrong_schema": lambda c: (
        c.encode(),
        _bytes(_event(EventType.PURCHASE, c, order_id="A-1", amount_minor="lots", currency="X")),
    ),
    "unknown_type": lambda c: (
        c.encode(),
        _bytes({**_event(EventType.NOTE, c, text="x"), "type": "c360.interaction.teleport"}),
    ),
    "nul_in_text": lambda c: (c.encode(), _bytes(_event(EventType.NOTE, c, text="a\x00b"))),
    "non_utf8": lambda c: (c.encode(), b"\xff\xfe\xfa" + _bytes(_event(EventType.NOTE, c))),
    "missing_customer": lambda c: (None, _bytes(_event(EventType.NOTE, None, text="who?"))),
    "huge_value": lambda c: (
        c.encode(),
        _bytes(_event(EventType.NOTE, c, text="x" * 900_000)),
    ),
    "not_an_object": lambda c: (c.encode(), b'["a", "list"]'),
}
CONTACT_POISON: dict[str, Maker] = {
    "contact_invalid_json": lambda c: (c.encode(), b"{contact"),
    "contact_wrong_schema": lambda c: (
        c.encode(),
        _bytes(event_dict(EventType.CONTACT_MERGED, {"survivor_id": 7}, subject=c, source="x/y")),
    ),
}


# What older doors accepted over HTTP (the reported incident): a year-0001 time, a NUL in text.
HTTP_POISON: list[tuple[str, dict[str, Any]]] = [
    ("year_one", note(text="old", time="0001-01-01T00:00:00+14:00")),
    ("year_one", note(phone="09121234568", time="0001-01-01T00:00:00+00:00")),
    ("nul_in_text", note(text="a\x00b")),
    ("nul_in_text", note(phone="09121234569", text="\x00")),
]


def year_one(customer_id: str) -> tuple[str, bytes]:
    """Applied (pinned to the calendar's edge) or dead-lettered, but never both nor neither."""
    event = _event(EventType.NOTE, customer_id, text="from the dawn of time")
    event["time"] = "0001-01-01T00:00:00+14:00"
    return str(event["id"]), _bytes(event)


@dataclass(frozen=True)
class Written:
    topic: str
    partition: int
    offset: int


async def send(producer: AIOKafkaProducer, topic: str, key: bytes | None, value: bytes) -> Written:
    meta = await (await producer.send(topic, value, key=key, headers=STRUCTURED_HEADERS))
    return Written(meta.topic, meta.partition, meta.offset)


def new_customer() -> str:
    return f"c_{uuid.uuid4().hex[:20]}"


async def committed_lag(settings: Settings, group: str, ends: dict[TopicPartition, int]) -> int:
    """Records between the group's committed offsets and `ends`."""
    admin = make_admin(settings)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    done = {tp: meta.offset for tp, meta in offsets.items()}
    return sum(max(end - done.get(tp, 0), 0) for tp, end in ends.items())
