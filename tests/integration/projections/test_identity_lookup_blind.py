"""The projection's identity lookup on the real store holds blind ids only, lookups by every
spelling still answer, and a generation written before the blind index (plaintext `_id`s) is
replaced by `make rebuild` from the log."""

import urllib.parse

import pytest
from aiokafka import AIOKafkaProducer
from bson import encode as bson_encode
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.service_layer.generations import drop_generation, rebuild
from shared.mongo import Document
from shared.position import Position
from shared.privacy.blind import is_blind_id
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

IN_CLEAR = [
    "+989125557788",
    "9125557788",
    "۰۹۱۲۵۵۵۷۷۸۸",
    "٠٩١٢٥٥٥٧٧٨٨",
    "sara.mohammadi@example.com",
    "CRM-7781",
]
LOOKUPS = [
    "phone=۰۹۱۲ ۵۵۵ ۷۷۸۸",
    "phone=٠٩١٢٥٥٥٧٧٨٨",
    "phone=+98 912 555 7788",
    "email=SARA.Mohammadi@example.com",
    "external_id=crm:CRM-7781",
]


def in_clear(docs: list[Document]) -> list[str]:
    raw = b"\n".join(bson_encode(doc) for doc in docs)
    return [needle for needle in IN_CLEAR if needle.encode() in raw]


async def lookup_docs(db: AsyncDatabase[Document]) -> list[Document]:
    names = [n for n in await db.list_collection_names() if n.startswith("identity_lookup_")]
    return [doc for name in names async for doc in db[name].find({})]


async def test_the_lookup_holds_blind_ids_and_survives_a_rebuild_from_plaintext(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    sara = ev.created(
        cid,
        name="سارا محمدی",
        phones=["+989125557788"],
        emails=["sara.mohammadi@example.com"],
        external_ids={"crm": "CRM-7781"},
    )
    position = await publish(producer, catalog.contacts, sara)
    async with worker(settings, db, producer), api_client(settings) as http:
        await eventually(lambda: caught_up_in(db, position), bool, "the contact folded")
        docs = await lookup_docs(db)
        assert len(docs) == 3
        assert all(is_blind_id(d["_id"]) for d in docs)
        assert in_clear(docs) == []
        for query in LOOKUPS:
            found = await http.get(f"/v1/customers/lookup?{urllib.parse.quote(query, '=')}")
            assert found.status_code == 200, (query, found.text)
            assert found.json()["customer_id"] == cid

    # A store upgraded from before the blind index: its live generation is keyed in clear.
    old = ProjectionStore(db, "g1")
    await old.identities.delete_many({})
    await old.identities.insert_one({"_id": "phone:+989125557788", "customer_id": cid})
    assert "+989125557788" in in_clear(await lookup_docs(db))

    generation = await rebuild(settings, db, producer)
    await drop_generation(db, "g1", lambda _: None)

    assert await active_generation(db) == generation
    docs = await lookup_docs(db)
    assert len(docs) == 3
    assert all(is_blind_id(d["_id"]) for d in docs)
    assert in_clear(docs) == []
    async with api_client(settings) as http:
        found = await http.get("/v1/customers/lookup", params={"phone": "09125557788"})
        assert found.status_code == 200, found.text
        assert found.json()["customer_id"] == cid


async def caught_up_in(db: AsyncDatabase[Document], position: Position) -> bool:
    return await caught_up(await store_of(db), [position])
