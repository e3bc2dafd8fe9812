"""Erasure, proven end to end with real processes, broker and store: a customer with Persian and
Latin personal data flows through contacts, interactions and the projection; after the erasure
and a rebuild of the projection from the log, no topic record (raw bytes) and no document of any
collection holds that customer's name, email, phone or notes, while the amounts survive and
another customer's data is intact. The identity lookups (the contacts' index, the projection's
lookup) never hold an identifier in clear, before the erasure or after it, yet answer lookups."""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aiokafka import TopicPartition
from bson import encode as bson_encode
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.service_layer.generations import rebuild
from shared.kafka import make_producer, make_reader
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import CATALOG, Topics
from tests.processes import running

pytestmark = pytest.mark.e2e
WAIT = "timeout_ms=30000"

SARA = {
    "name": "سارا محمدی",
    "phones": ["0912 555 7788"],
    "emails": ["sara.mohammadi@example.com"],
}
SARA_SECRETS = ["سارا محمدی", "+989125557788", "9125557788", "sara.mohammadi@example.com"]
SARA_NOTES = "مشتری از تاخیر ارسال ناراضی است"
ALI = {"name": "Ali Rezaei", "phones": ["0912 444 1122"], "emails": ["ali.rezaei@example.com"]}
# Identifiers as stored, as typed, and in Persian and Arabic-Indic digits.
IDENTIFIERS = [
    *SARA_SECRETS[1:],
    "۰۹۱۲۵۵۵۷۷۸۸",
    "٠٩١٢٥٥٥٧٧٨٨",
    "+989124441122",
    "9124441122",
    "۰۹۱۲۴۴۴۱۱۲۲",
    "ali.rezaei@example.com",
]


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections", "worker") as urls:
        yield urls


def touchpoint(kind: str, phone: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "adapters/pbx-tehran",
        "type": f"c360.interaction.{kind}",
        "time": "2026-11-30T10:00:00+03:30",
        "data": {"customer": {"phone": phone}, **data},
    }


async def topic_bytes(settings: Settings, topics: list[str]) -> tuple[bytes, int]:
    """Every record's key, value and headers of `topics`, as raw bytes; and the record count."""
    consumer = make_reader(settings)
    await consumer.start()
    chunks: list[bytes] = []
    try:
        await consumer._client.force_metadata_update()
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                for r in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                    chunks += [r.key or b"", r.value or b""]
                    chunks += [v for _, v in r.headers]
    finally:
        await consumer.stop()
    return b"\n".join(chunks), len(chunks)


async def store_bytes(db: AsyncDatabase[Document]) -> dict[str, list[bytes]]:
    """Every document of every collection of the database, as BSON bytes, by collection."""
    return {
        name: [bson_encode(doc) async for doc in db[name].find({})]
        for name in await db.list_collection_names()
    }


async def identity_lookups(db: AsyncDatabase[Document]) -> dict[str, list[bytes]]:
    """The identity lookup collections (contacts' index, projection's lookups), as BSON bytes."""
    everything = await store_bytes(db)
    return {
        name: docs
        for name, docs in everything.items()
        if name == "identity_index" or name.startswith("identity_lookup_")
    }


def found_in_store(store: dict[str, list[bytes]], needles: list[str]) -> dict[str, list[str]]:
    """Collection -> the needles found in its documents."""
    hits = {name: found(b"\n".join(docs), needles) for name, docs in store.items()}
    return {name: needles for name, needles in hits.items() if needles}


def found(haystack: bytes, needles: list[str]) -> list[str]:
    return [n for n in needles if n.encode() in haystack]


async def test_after_erasure_and_rebuild_nothing_personal_remains(
    services: dict[str, str], settings: Settings, catalog: Topics, db: AsyncDatabase[Document]
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        contacts, ingest, api = (
            services["contacts"],
            services["interactions"],
            services["projections"],
        )
        sara = (await http.post(f"{contacts}/v1/contacts", json=SARA)).json()
        ali = (await http.post(f"{contacts}/v1/contacts", json=ALI)).json()
        for phone, who in (("+989125557788", sara), ("+989124441122", ali)):
            call = touchpoint(
                "call",
                phone,
                {
                    "direction": "inbound",
                    "duration_seconds": 60,
                    "notes": SARA_NOTES if who is sara else "Ali",
                },
            )
            buy = touchpoint(
                "purchase",
                phone,
                {"order_id": f"o-{who['customer_id']}", "amount_minor": 4200, "currency": "USD"},
            )
            for event in (call, buy):
                answer = await http.post(f"{ingest}/v1/events", json=event)
                assert answer.status_code == 202, answer.text
            position = answer.json()["position"]
            view = await http.get(
                f"{api}/v1/customers/{who['customer_id']}?min_position={position}&{WAIT}"
            )
            assert view.json()["kpis"]["total_spent"] == {"USD": 4200}

        identity_collections = await identity_lookups(db)
        assert found_in_store(identity_collections, IDENTIFIERS) == {}
        assert sum(len(docs) for docs in identity_collections.values()) >= 4
        by_phone = await http.get(f"{api}/v1/customers/lookup", params={"phone": "۰۹۱۲۵۵۵۷۷۸۸"})
        assert by_phone.json()["customer_id"] == sara["customer_id"]

        log_topics = [catalog.contacts, catalog.interactions]
        before, _ = await topic_bytes(settings, log_topics)
        assert not found(before, [*SARA_SECRETS, SARA_NOTES])  # sealed in the log from the start

        erased = await http.delete(
            f"{contacts}/v1/contacts/{sara['customer_id']}", params={"reason": "GDPR art. 17"}
        )
        assert erased.status_code == 200, erased.text
        sara_view = await http.get(
            f"{api}/v1/customers/{sara['customer_id']}"
            f"?min_position={erased.json()['position']}&{WAIT}"
        )
        assert sara_view.status_code in (200, 404, 410)

    producer = make_producer(settings)
    await producer.start()
    try:
        await rebuild(settings, db, producer)
    finally:
        await producer.stop()

    raw_log, records = await topic_bytes(settings, [catalog.name(spec) for spec in CATALOG])
    store = await store_bytes(db)
    assert records > 0
    assert sum(len(docs) for docs in store.values()) > 0
    assert not found(raw_log, [*SARA_SECRETS, SARA_NOTES])
    assert found_in_store(store, [*SARA_SECRETS, SARA_NOTES]) == {}
    assert found_in_store(store, ["Ali Rezaei"])  # the other customer is intact
    assert found_in_store(await identity_lookups(db), IDENTIFIERS) == {}

    async with httpx.AsyncClient(timeout=60) as http:
        api = services["projections"]
        ali_view = (await http.get(f"{api}/v1/customers/{ali['customer_id']}")).json()
        assert ali_view["profile"]["name"] == "Ali Rezaei"
        by_email = await http.get(
            f"{api}/v1/customers/lookup", params={"email": "Ali.Rezaei@example.com"}
        )
        assert by_email.json()["customer_id"] == ali["customer_id"]
    # the anonymous facts survive in the log: Sara's purchase, its amount and currency
    order = f'"order_id":"o-{sara["customer_id"]}","amount_minor":4200,"currency":"USD"'
    assert order.encode() in raw_log
