"""Outbox recovery on the real broker and store: half-done changes are finished or dropped."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.store import ContactStore
from services.contacts.service_layer.contacts import Contacts
from services.contacts.service_layer.merges import Merges
from shared.events.customer import Profile, ProfileChanges
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.contacts.log import contact_records
from tests.integration.contacts.polling import eventually

pytestmark = pytest.mark.integration
LEASE_S = 3.0  # short, yet long enough for heartbeats on a busy shared store


class Crash(Exception):
    pass


@pytest.fixture
async def quick_store(
    settings: Settings, catalog: Topics, db: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> AsyncIterator[ContactStore]:
    """A store with a short lease, so abandoned changes are recovered quickly."""
    store = ContactStore(
        db, producer, settings.model_copy(update={"outbox_lease_seconds": LEASE_S})
    )
    await store.start()
    yield store
    await store.stop()


async def crash_at_commit(_: str) -> None:
    raise Crash("the process stops right after the commit point")


async def outbox_empty(db: AsyncDatabase[Document]) -> bool:
    return await db["outbox"].count_documents({}) == 0


async def test_a_merge_interrupted_after_its_commit_is_finished_once(
    quick_store: ContactStore, db: AsyncDatabase[Document], settings: Settings
) -> None:
    contacts, merges = Contacts(quick_store), Merges(quick_store)
    a = (await contacts.create(Profile(phones=("+989121230001",)))).state
    b = (await contacts.create(Profile(phones=("+989121230002",), emails=("b@x.com",)))).state
    quick_store.journal.step_hook = crash_at_commit
    with pytest.raises(Crash):
        await merges.merge(a.customer_id, b.customer_id, "same person", None)
    quick_store.journal.step_hook = None
    assert (await quick_store.journal.load(b.customer_id)).merged_into is None  # type: ignore[union-attr]

    await eventually(lambda: outbox_empty(db), "recovery of the interrupted merge")
    merged_b = await quick_store.journal.load(b.customer_id)
    survivor = await quick_store.journal.load(a.customer_id)
    assert merged_b is not None
    assert survivor is not None
    assert merged_b.merged_into == a.customer_id
    assert merged_b.version == 2
    assert survivor.profile.phones == ("+989121230001", "+989121230002")
    assert await quick_store.index.owner("email:b@x.com") == a.customer_id
    types = [(r["key"], r["event"]["type"]) for r in await contact_records(settings)]
    assert types.count((a.customer_id, "c360.contact.merged")) == 1


async def test_a_dead_runs_claim_without_a_commit_is_dropped(
    quick_store: ContactStore, db: AsyncDatabase[Document], settings: Settings
) -> None:
    contacts = Contacts(quick_store)
    state = (await contacts.create(Profile(name="Blocked"))).state
    stale = datetime.now(UTC) - timedelta(seconds=30)
    # A writer of another process claimed version 2 and died before committing.
    await db["outbox"].insert_one(
        {
            "_id": f"{state.customer_id}:2",
            "commit": f"{state.customer_id}:2",
            "run": "a-run-that-died",
            "at": stale,
            "partition": 0,
            "from_offset": 0,
        }
    )
    await eventually(lambda: outbox_empty(db), "the dead claim to be dropped")
    written = await contacts.update(state.customer_id, ProfileChanges(name="Free"), if_match=1)
    assert written.state.version == 2
    types = [r["event"]["type"] for r in await contact_records(settings)]
    assert types == ["c360.contact.created", "c360.contact.updated"]
