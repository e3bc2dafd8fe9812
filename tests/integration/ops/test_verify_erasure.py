"""`c360 verify-erasure` against the real broker and store: every spelling is found wherever it
is, copies in bounded topics are reported with their expiry, and a clean deployment says so
with its coverage."""

import base64
import json
import re
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.ops import deadletters
from services.ops.erasure.scanning import c360_topics
from shared.dead_letters import withhold_holding
from shared.mongo import Document
from shared.privacy.needles import Subject
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.ops.test_cli import c360

pytestmark = pytest.mark.integration
NAME = "سارا محمدی"
PERSON = ["--phone", "0912 555 7788", "--email", "sara.m@example.com", "--text", NAME]


def coverage(output: str) -> tuple[int, int]:
    found = re.search(r"(\d+) topics, \d+ partitions, (\d+) records", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


async def test_the_person_is_found_in_each_spelling_and_place(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    await producer.send_and_wait(catalog.contacts, '{"phone":"۰۹۱۲۵۵۵۷۷۸۸"}'.encode(), key=b"c1")
    await producer.send_and_wait(catalog.interactions, b'{"id":"x","note":"nothing personal"}')
    await db["views"].insert_one({"_id": "c1", "data": json.dumps({"name": NAME})})
    stored = base64.b64encode(b"\x00" + b"sara.m@example.com").decode()
    await db["blobs"].insert_one({"_id": "b1", "raw": stored})
    await db["others"].insert_one({"_id": "c2", "name": "Ali Rezaei"})

    code, output = await c360(settings, "verify-erasure", "c1", *PERSON)

    assert code == 1, output
    topics, records = coverage(output)
    assert topics == len(await c360_topics(settings))
    assert records == 2
    assert "3 collections, 3 documents" in output
    assert re.search(rf"FOUND {re.escape(catalog.contacts)} \d+:0: \('phone#2 utf-8',\)", output)
    assert f"FOUND {settings.database}.views c1: ('text#3 json-escaped',)" in output
    assert f"FOUND {settings.database}.blobs b1: ('email#1 base64',)" in output
    assert "others" not in output.split("documents")[1]
    assert "7788" not in output.split("documents")[1]  # the report names, never shows, values


async def test_a_copy_in_a_bounded_topic_is_reported_with_its_expiry_and_exit_3(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    await producer.send_and_wait(catalog.ingress, b'{"customer":{"email":"sara.m@example.com"}}')
    code, output = await c360(settings, "verify-erasure", "c1", *PERSON)
    assert code == 3, output
    assert re.search(rf"in clear until \d{{4}}-\d\d-\d\d .*{re.escape(catalog.ingress)}", output)
    assert "the last plaintext copy expires by" in output


async def test_a_clean_deployment_reports_its_coverage_and_nothing_found(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    await producer.send_and_wait(catalog.contacts, b'{"name":"Ali Rezaei"}', key=b"c2")
    await db["views"].insert_one({"_id": "c2", "name": "Ali Rezaei"})
    code, output = await c360(settings, "verify-erasure", "c1", *PERSON)
    assert code == 0, output
    assert coverage(output)[1] == 1
    assert "1 collections, 1 documents" in output
    assert "found nothing" in output


async def test_a_withheld_dead_letter_is_never_replayed_and_another_one_still_is(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    for phone in ("+989125557788", "+989124441122"):
        value = json.dumps({"id": str(uuid.uuid4()), "customer": {"phone": phone}})
        await producer.send_and_wait(catalog.deadletter, value.encode(), key=b"k")
    erased = Subject(identifiers=(("phone", "0912 555 7788"),))  # found in its E.164 spelling
    assert await withhold_holding(settings, db, erased, "holds erased customer c1") == 1
    letters = {b"+98912555" in d.raw: d for d in await deadletters.read_all(settings)}
    code, output = await c360(settings, "dlq", "replay", letters[True].ref, "--force")
    assert code == 0, output
    assert "refused: holds erased customer c1" in output
    code, output = await c360(settings, "dlq", "replay", letters[False].ref)
    assert code == 0, output
    assert f"{letters[False].ref}: sent to {catalog.ingress}" in output
