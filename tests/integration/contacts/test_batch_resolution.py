"""Resolving many customer blocks at once, on the real broker and store."""

import asyncio
import random

import httpx
import pytest

from services.contacts.adapters.store import ContactStore
from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.service_layer.batch_resolution import BatchResolution
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.settings import Settings
from tests.integration.contacts.api import create
from tests.integration.contacts.log import contact_records

pytestmark = pytest.mark.integration
PHONES = [f"+98912777{n:04d}" for n in range(20)]


def spelled(phone: str, n: int) -> str:
    """The same number as a caller might type it."""
    return phone if n % 2 else "0" + phone.removeprefix("+98")


def email_of(phone: str) -> str | None:
    return f"{phone[-4:]}@example.com" if int(phone[-1]) % 5 else None


async def test_batches_racing_over_the_same_first_sightings_make_one_customer_each(
    store: ContactStore, settings: Settings
) -> None:
    # Eight processes (no shared memory) each resolve a batch naming all twenty new phones, in
    # their own order and spelling; most phones come with their owner's email. (Blocks naming
    # different identifier sets may end in two customers with a recorded possible duplicate:
    # resolution never merges.)
    def batch(seed: int) -> list[tuple[str, CustomerRef]]:
        order = random.Random(seed).sample(PHONES, len(PHONES))
        return [
            (p, CustomerRef(phone=spelled(p, seed + n), email=email_of(p)))
            for n, p in enumerate(order)
        ]

    batches = [batch(seed) for seed in range(8)]
    resolvers = [BatchResolution(IdentityResolver(store)) for _ in batches]
    answers = await asyncio.gather(
        *(r.resolve_many([ref for _, ref in b]) for r, b in zip(resolvers, batches, strict=True))
    )

    owner: dict[str, set[str]] = {p: set() for p in PHONES}
    created = 0
    for named, found in zip(batches, answers, strict=True):
        for (phone, _), answer in zip(named, found, strict=True):
            assert isinstance(answer, ResolvedCustomer)
            owner[phone].add(answer.customer_id)
            created += answer.created
    assert all(len(customers) == 1 for customers in owner.values()), owner
    customers = {c for found in owner.values() for c in found}
    assert len(customers) == len(PHONES)
    assert created == len(PHONES)
    records = await contact_records(settings)
    published = [r["key"] for r in records if r["event"]["type"] == "c360.contact.created"]
    assert sorted(published) == sorted(customers)


async def test_one_request_answers_known_new_invalid_and_conflicting_blocks_in_order(
    api: httpx.AsyncClient,
) -> None:
    ana = await create(api, emails=["ana.batch@example.com"])
    bob = await create(api, phones=["+989126660001"])
    blocks = [
        {"email": "ANA.batch@example.com"},
        {"phone": "09126660002"},
        {"phone": "12"},
        {"customer_id": "c_nobody"},
        {"email": "ana.batch@example.com", "phone": "09126660001"},
        {"phone": "09126660002", "external_ids": {"crm": "B-7"}},
    ]
    response = await api.post("/v1/identities/resolve/batch", json={"customers": blocks})
    assert response.status_code == 200, response.text
    known, new, bad, unknown, conflict, same_new = response.json()["results"]
    assert (known["customer_id"], known["created"]) == (ana["customer_id"], False)
    assert new["created"] is True
    assert bad["customer_id"] is None
    assert bad["error"]["field"] == "customer.phone"
    assert unknown["error"]["field"] == "customer.customer_id"
    assert conflict["customer_id"] == ana["customer_id"]
    assert conflict["conflicts"] == [bob["customer_id"]]
    assert same_new["customer_id"] == new["customer_id"]
    linked = (await api.get(f"/v1/contacts/{new['customer_id']}")).json()
    assert linked["external_ids"] == {"crm": "B-7"}


async def test_batch_refusals_name_the_field(api: httpx.AsyncClient) -> None:
    empty = await api.post("/v1/identities/resolve/batch", json={"customers": []})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "customers"
    blank = await api.post("/v1/identities/resolve/batch", json={"customers": [{}]})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"].startswith("customers.0")
