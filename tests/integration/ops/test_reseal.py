"""`c360 reseal`: events written before encryption are copied into a new topic generation sealed,
in the same partitions and order; an erased customer's come out anonymous."""

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import STRUCTURED_HEADERS, ContactCreated, EventType, encode_event
from shared.kafka import ensure_topics, partitions_of
from shared.log_reading import every_record
from shared.mongo import Document
from shared.privacy.keyring import Keyring
from shared.privacy.local import keyring
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.privacy.test_erasure_reaches_every_copy import topic_bytes
from tests.factories import make_event
from tests.integration.ops.test_cli import c360

pytestmark = pytest.mark.integration


def created(customer_id: str, name: str) -> bytes:
    data = {"customer_id": customer_id, "profile": {"name": name}, "origin": "api"}
    return encode_event(make_event(EventType.CONTACT_CREATED, data, subject=customer_id))


async def test_plain_events_are_sealed_into_the_new_generation(
    settings: Settings, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    old = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}old."})
    await ensure_topics(old)
    before = Topics.from_settings(old)
    for customer, name in (("c-zahra", "Zahra Karimi"), ("c-reza", "Reza Ahmadi")):
        value = created(customer, name)
        await producer.send_and_wait(
            before.contacts, value, key=customer.encode(), headers=STRUCTURED_HEADERS
        )
    keys = keyring(settings, db)
    await keys.destroy("c-reza")  # erased after its event was written in clear

    code, output = await c360(settings, "reseal", "--from-prefix", old.topic_prefix)

    assert code == 0, output
    after = Topics.from_settings(settings)
    assert f"{after.contacts}: 2 records copied, 1 sealed" in output
    raw, _ = await topic_bytes(settings, [after.contacts])
    assert b"Zahra Karimi" not in raw
    assert b"Reza Ahmadi" not in raw
    old_raw, _ = await topic_bytes(settings, [before.contacts])
    assert b"Zahra Karimi" in old_raw  # the old generation is left for the operator to delete
    old_places = {
        c: p for c, (p, _) in (await contacts_of(settings, before.contacts, keys)).items()
    }
    assert await contacts_of(settings, after.contacts, keys) == {
        "c-zahra": (old_places["c-zahra"], "Zahra Karimi"),
        "c-reza": (old_places["c-reza"], None),  # anonymous: the key is gone
    }


async def contacts_of(
    settings: Settings, topic: str, keys: Keyring
) -> dict[str, tuple[int, str | None]]:
    """Customer id -> (partition, name as a consumer reads it) of each contact.created."""
    found: dict[str, tuple[int, str | None]] = {}
    async for r in every_record(settings, await partitions_of(settings, [topic])):
        event = await keys.decode_record(r.value, r.headers)
        assert isinstance(event, ContactCreated)
        found[event.data.customer_id] = (r.partition, event.data.profile.name)
    return found
