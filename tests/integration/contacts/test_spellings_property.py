"""Property, against the real broker and store: however a phone is spelled, and in whatever order
the spellings race in, they resolve to one customer, created once."""

import asyncio

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from services.contacts.adapters.store import ContactStore
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.kafka import make_producer
from shared.mongo import database, make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.unit.identity.test_normalise import operator, spellings, subscriber

pytestmark = pytest.mark.integration


async def resolve_all(config: Settings, refs: list[CustomerRef]) -> list[tuple[str, bool]]:
    client, producer = make_client(config), make_producer(config)
    await producer.start()
    store = ContactStore(database(client, config), producer, config)
    await store.start()
    try:
        # One resolver per spelling: no shared memory, so only the store can make them agree.
        answers = await asyncio.gather(*(IdentityResolver(store).resolve(r) for r in refs))
        return [(a.customer_id, a.created) for a in answers]
    finally:
        await store.stop()
        await producer.stop()
        await client.drop_database(config.database)  # one per example: none is left behind
        await client.close()


@examples(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operator, subscriber, st.data())
def test_equivalent_spellings_resolve_to_the_same_customer(
    catalog: Topics, settings: Settings, op: str, sub: str, data: st.DataObject
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(spellings(op, sub)), min_size=2, max_size=6))
    config = settings.model_copy(update={"database": f"{settings.database}_{op}{sub}"})
    answers = asyncio.run(resolve_all(config, [CustomerRef(phone=s) for s in chosen]))
    assert len({customer for customer, _ in answers}) == 1
    assert sum(created for _, created in answers) == 1
