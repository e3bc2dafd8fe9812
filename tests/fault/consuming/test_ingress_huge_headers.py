"""A record whose headers are close to 1 MB cannot be copied whole to the dead letter (the broker
would refuse the copy); the ingress still dead-letters it, smaller, and accepts the next one."""

import hashlib

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.conftest import api  # interactions + contacts in-process
from tests.integration.interactions.log import read_topic
from tests.integration.interactions.test_ingress import until_logged, until_on
from tests.unit.interactions.samples import note

pytestmark = pytest.mark.fault
__all__ = ["api"]
HEADERS = [(f"x-padding-{i}", b"h" * 950) for i in range(1_000)]  # ~0.97 MB


async def test_near_1mb_of_headers_is_dead_lettered_and_the_next_record_accepted(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    bad = {**note(text="padded"), "time": "not a time"}
    sent = await producer.send_and_wait(
        topics.ingress, orjson.dumps(bad), key=b"pbx", headers=HEADERS
    )
    good = note(text="after the padded one")
    await producer.send_and_wait(topics.ingress, orjson.dumps(good), key=b"pbx")

    await until_logged(settings, good["id"])
    [letter] = await until_on(settings, topics.deadletter, 1)
    assert int(letter.headers["c360-original-offset"]) == sent.offset
    assert letter.headers["c360-consumer"] == b"ingress"
    assert letter.headers["c360-error-kind"] == b"schema_violation"
    assert letter.value == orjson.dumps(bad)
    flat = b"".join(k.encode() + b"\x00" + v + b"\x00" for k, v in HEADERS)
    dropped = f"count=1000 bytes={len(flat)} sha256={hashlib.sha256(flat).hexdigest()}"
    assert letter.headers["c360-original-headers-dropped"].decode() == dropped
    assert "x-padding-0" not in letter.headers
    assert len(await read_topic(settings, topics.deadletter)) == 1
    ready = await api.get("/readyz")
    assert ready.status_code == 200, ready.text
