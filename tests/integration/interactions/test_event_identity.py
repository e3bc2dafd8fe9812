"""An event is its `source` + `id` (CloudEvents), at the door and in the ledger, against the real
broker and store; receipts written before the source was kept still answer their retries."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.bootstrap import build_app as build_contacts
from services.interactions.bootstrap import build_app
from services.interactions.domain.acceptance import prepare
from services.interactions.domain.intake import read_object
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.inprocess import AsgiCalls
from tests.integration.interactions.log import read_topic
from tests.unit.interactions.samples import note

pytestmark = pytest.mark.integration
CE = {"content-type": "application/cloudevents+json"}


async def sources_of(settings: Settings, event_id: str) -> list[str]:
    records = await read_topic(settings, Topics.from_settings(settings).interactions)
    return sorted(r.event()["source"] for r in records if r.event()["id"] == event_id)


async def test_two_adapters_with_one_id_are_two_events_and_their_retries_none(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    pbx = note(source="adapters/pbx", text="from the pbx")
    shop = note(source="adapters/shop", id=pbx["id"], text="from the shop")
    first = [await api.post("/v1/events", json=e, headers=CE) for e in (pbx, shop)]
    again = [await api.post("/v1/events", json=e, headers=CE) for e in (shop, pbx, pbx)]
    assert [r.status_code for r in first + again] == [202] * 5
    assert first[0].json()["position"] != first[1].json()["position"]
    assert [r.headers.get("Idempotent-Replayed") for r in again] == ["true"] * 3
    assert again[0].json() == first[1].json()
    assert await sources_of(settings, pbx["id"]) == ["adapters/pbx", "adapters/shop"]


SENT_BEFORE = note(source="adapters/pbx")
OLDER_RECEIPT = {
    "_id": SENT_BEFORE["id"],  # keyed by the bare id, without a source
    "fingerprint": prepare(read_object(SENT_BEFORE)).fingerprint,
    "customer_id": "c_before_the_upgrade",
    "position": "kept-position",
}


@pytest.fixture
async def upgraded(
    settings: Settings, db: AsyncDatabase[Document]
) -> AsyncIterator[httpx.AsyncClient]:
    """The service started on a store that holds a receipt written by an older version."""
    await db["ingest_receipts"].insert_one({**OLDER_RECEIPT, "accepted_at": datetime.now(UTC)})
    contacts = build_contacts(settings)
    async with contacts.router.lifespan_context(contacts):
        app = build_app(settings, contacts_calls=AsgiCalls(contacts))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://i") as client:
                yield client


async def test_a_receipt_kept_by_an_older_version_still_answers_its_retry(
    upgraded: httpx.AsyncClient, settings: Settings
) -> None:
    api, sent, older = upgraded, SENT_BEFORE, OLDER_RECEIPT
    retry = await api.post("/v1/events", json=sent, headers=CE)
    assert retry.status_code == 202, retry.text
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json() == {
        "id": sent["id"],
        "customer_id": older["customer_id"],
        "position": "kept-position",
    }
    other = note(source="adapters/shop", id=sent["id"])
    accepted = await api.post("/v1/events", json=other, headers=CE)
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers.get("Idempotent-Replayed") is None
    assert await sources_of(settings, sent["id"]) == ["adapters/shop"]
