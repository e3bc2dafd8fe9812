"""The resolver on the real broker and store: one customer per identifier, whatever the race."""

import asyncio

import pytest

from services.contacts.adapters.store import ContactStore
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.settings import Settings
from tests.integration.contacts.log import contact_records

pytestmark = pytest.mark.integration


async def test_fifty_parallel_first_sightings_make_one_customer(
    store: ContactStore, settings: Settings
) -> None:
    # 25 resolvers (as in 25 processes: no shared memory) race twice each through the store.
    resolvers = [IdentityResolver(store) for _ in range(25)]
    refs = [CustomerRef(phone="0912 555 0101") for _ in range(50)]
    results = await asyncio.gather(*(resolvers[i % 25].resolve(ref) for i, ref in enumerate(refs)))
    assert len({r.customer_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    customer_id = results[0].customer_id
    records = await contact_records(settings)
    created = [r for r in records if r["event"]["type"] == "c360.contact.created"]
    assert [r["key"] for r in created] == [customer_id]
    assert created[0]["event"]["data"]["origin"] == "auto"
    assert created[0]["event"]["data"]["profile"]["phones"] == ["+989125550101"]


async def test_equivalent_spellings_resolve_to_one_customer(
    resolver: IdentityResolver,
) -> None:
    spellings = [
        "+98 912 555 0202",
        "09125550202",
        "۰۹۱۲۵۵۵۰۲۰۲",
        "٠٩١٢٥٥٥٠٢٠٢",
        "0098-912-555-0202",
    ]
    ids = {(await resolver.resolve(CustomerRef(phone=s))).customer_id for s in spellings}
    assert len(ids) == 1


async def test_new_identifier_is_linked_and_conflicts_are_recorded(
    resolver: IdentityResolver, store: ContactStore
) -> None:
    ana = await resolver.resolve(CustomerRef(email="ana@example.com"))
    bob = await resolver.resolve(CustomerRef(phone="+989125550303"))
    linked = await resolver.resolve(
        CustomerRef(email="ANA@example.com", external_ids={"crm": "A-1"})
    )
    assert linked.customer_id == ana.customer_id
    assert not linked.created
    state = await store.journal.load(ana.customer_id)
    assert state is not None
    assert state.profile.external_ids == {"crm": "A-1"}
    assert state.version == 2

    both = await resolver.resolve(CustomerRef(email="ana@example.com", phone="09125550303"))
    assert both.customer_id == ana.customer_id
    assert both.conflicts == (bob.customer_id,)
    records = await store.duplicates.listing(ana.customer_id)
    assert [r["customers"] for r in records] == [sorted([ana.customer_id, bob.customer_id])]


async def test_unknown_customer_id_is_rejected(resolver: IdentityResolver) -> None:
    with pytest.raises(ValueError, match=r"customer\.customer_id"):
        await resolver.resolve(CustomerRef(customer_id="c_doesnotexist"))
