"""The identity index on the real store holds blind ids only: read raw, no identifier is in
clear in any spelling, while lookups by every spelling, merges, unmerges and erasure work as
before; and a store written before the blind index is upgraded by `make reindex`."""

import httpx
import pytest
from bson import encode as bson_encode
from pydantic import SecretStr
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.index import COLLECTION
from services.contacts.adapters.store import ContactStore
from services.contacts.reindex import reindex_store
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.mongo import Document
from shared.privacy.blind import is_blind_id
from shared.settings import Settings
from tests.integration.contacts.api import create

pytestmark = pytest.mark.integration

SARA = {
    "name": "سارا محمدی",
    "phones": ["۰۹۱۲ ۵۵۵ ۷۷۸۸"],
    "emails": ["Sara.Mohammadi@Example.com"],
    "external_ids": {"crm": "CRM-7781", "loyalty": "L-99120"},
}
# Every way these identifiers could sit in a document: as stored, as typed, in Persian and
# Arabic-Indic digits, and the pieces a partial leak would show.
IN_CLEAR = [
    "+989125557788",
    "989125557788",
    "9125557788",
    "09125557788",
    "۰۹۱۲۵۵۵۷۷۸۸",
    "۹۱۲۵۵۵۷۷۸۸",
    "٠٩١٢٥٥٥٧٧٨٨",
    "5557788",
    "sara.mohammadi@example.com",
    "Sara.Mohammadi",
    "sara.mohammadi",
    "CRM-7781",
    "L-99120",
]


async def raw_index(db: AsyncDatabase[Document]) -> list[Document]:
    return [doc async for doc in db[COLLECTION].find({})]


def in_clear(docs: list[Document]) -> list[str]:
    raw = b"\n".join(bson_encode(doc) for doc in docs)
    return [needle for needle in IN_CLEAR if needle.encode() in raw]


async def owner(api: httpx.AsyncClient, kind: str, value: str) -> str | None:
    found = await api.get(f"/v1/identities/{kind}/{value}")
    return str(found.json()["customer_id"]) if found.status_code == 200 else None


async def test_the_index_holds_no_identifier_and_every_spelling_still_finds_the_customer(
    api: httpx.AsyncClient, db: AsyncDatabase[Document]
) -> None:
    sara = (await create(api, **SARA))["customer_id"]
    ali = (await create(api, name="Ali", phones=["+989124441122"]))["customer_id"]

    docs = await raw_index(db)
    assert len(docs) == 5
    assert all(is_blind_id(d["_id"]) for d in docs)
    assert in_clear(docs) == []
    for kind, value in [
        ("phone", "+989125557788"),
        ("phone", "۰۹۱۲۵۵۵۷۷۸۸"),
        ("phone", "٠٩١٢ ٥٥٥ ٧٧٨٨"),
        ("email", "SARA.MOHAMMADI@example.com"),
        ("crm", "CRM-7781"),
        ("loyalty", "L-99120"),
    ]:
        assert await owner(api, kind, value) == sara, (kind, value)
    assert await owner(api, "phone", "09124441122") == ali


async def test_possible_duplicates_show_their_identifiers_but_keep_them_sealed(
    api: httpx.AsyncClient, db: AsyncDatabase[Document], resolver: IdentityResolver
) -> None:
    sara = (await create(api, **SARA))["customer_id"]
    ali = (await create(api, name="Ali", phones=["+989124441122"]))["customer_id"]
    both = CustomerRef(email="sara.mohammadi@example.com", phone="۰۹۱۲ ۴۴۴ ۱۱۲۲")

    resolved = await resolver.resolve(both)

    assert (resolved.customer_id, resolved.conflicts) == (sara, (ali,))
    listed = (await api.get("/v1/duplicates", params={"customer_id": sara})).json()
    assert [d["customers"] for d in listed] == [sorted((sara, ali))]
    assert set(listed[0]["keys"]) == {"email:sara.mohammadi@example.com", "phone:+989124441122"}
    raw = [doc async for doc in db["possible_duplicates"].find({})]
    assert len(raw) == 1
    assert in_clear(raw) == []
    assert b"9124441122" not in bson_encode(raw[0])


async def test_merge_unmerge_and_erasure_move_and_free_blind_entries(
    api: httpx.AsyncClient, db: AsyncDatabase[Document], resolver: IdentityResolver
) -> None:
    sara = (await create(api, **SARA))["customer_id"]
    ali = (await create(api, name="Ali", phones=["+989124441122"]))["customer_id"]

    merged = await api.post(
        "/v1/contacts/merge", json={"survivor_id": ali, "merged_id": sara, "reason": "same"}
    )
    assert merged.status_code == 200, merged.text
    assert {d["customer_id"] for d in await raw_index(db)} == {ali}
    assert await owner(api, "email", "sara.mohammadi@example.com") == ali

    unmerged = await api.post(f"/v1/contacts/{sara}/unmerge", json={"reason": "not the same"})
    assert unmerged.status_code == 200, unmerged.text
    assert await owner(api, "email", "sara.mohammadi@example.com") == sara
    assert await owner(api, "phone", "+989124441122") == ali

    erased = await api.delete(f"/v1/contacts/{sara}", params={"reason": "GDPR art. 17"})
    assert erased.status_code == 200, erased.text
    assert {d["customer_id"] for d in await raw_index(db)} == {ali}
    again = await resolver.resolve(CustomerRef(phone="۰۹۱۲ ۵۵۵ ۷۷۸۸"))
    assert again.created
    assert again.customer_id not in (sara, ali)
    assert in_clear(await raw_index(db)) == []


async def test_reindex_upgrades_a_plaintext_index_and_rotates_the_key(
    store: ContactStore, settings: Settings, db: AsyncDatabase[Document]
) -> None:
    resolver = IdentityResolver(store)
    sara = await resolver.resolve(
        CustomerRef(phone="0912 555 7788", email="sara.mohammadi@example.com")
    )
    # What a store written before the blind index holds: `kind:value` in clear.
    await db[COLLECTION].delete_many({})
    old = ["phone:+989125557788", "email:sara.mohammadi@example.com"]
    await db[COLLECTION].insert_many([{"_id": k, "customer_id": sara.customer_id} for k in old])
    assert in_clear(await raw_index(db)) != []

    done = await reindex_store(settings)

    assert (done.entries, done.dropped) == (2, 2)
    assert in_clear(await raw_index(db)) == []
    assert await store.index.owner("phone:+989125557788") == sara.customer_id

    rotated = settings.model_copy(update={"identity_index_key": SecretStr("a new key")})
    before = {d["_id"] for d in await raw_index(db)}
    done = await reindex_store(rotated)
    after = {d["_id"] for d in await raw_index(db)}
    assert (done.entries, done.dropped) == (2, 2)
    assert before.isdisjoint(after)
    fresh = IdentityResolver(ContactStore(db, store.outbox.producer, rotated))
    found = await fresh.resolve(CustomerRef(email="SARA.MOHAMMADI@example.com"))
    assert found.customer_id == sara.customer_id
    assert not found.created
