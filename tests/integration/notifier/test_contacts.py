"""How the notifier finds a customer's channels: its own fold first, else the projections API.

The notifier's own state is in the real store; the projections API is a small fake of its
`GET /v1/customers/{id}` answer (the real one is exercised end to end in `tests/e2e`)."""

from datetime import UTC, datetime

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.adapters.contacts import ContactDirectory
from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.customer import Contact, CustomerState
from shared.events.customer import Consent, Profile
from shared.mongo import Document

pytestmark = pytest.mark.integration


def projections_api(views: dict[str, Profile]) -> httpx.AsyncClient:
    """Answers like the projections query API: the view, 404 for an unknown id, 503 for `down`."""

    def answer(request: httpx.Request) -> httpx.Response:
        customer_id = request.url.path.removeprefix("/v1/customers/")
        if customer_id == "c-down":
            return httpx.Response(503, json={"title": "store unavailable"})
        if customer_id not in views:
            return httpx.Response(404, json={"title": f"no customer {customer_id}"})
        profile = views[customer_id].model_dump(mode="json")
        return httpx.Response(200, json={"customer_id": customer_id, "profile": profile})

    transport = httpx.MockTransport(answer)
    return httpx.AsyncClient(transport=transport, base_url="http://projections")


async def test_own_contact_first_then_the_projection_view_then_nothing(
    db: AsyncDatabase[Document],
) -> None:
    consent = Consent(granted=True, legal_basis="consent", at=datetime.now(UTC))
    profile = Profile(
        emails=("view@example.com",),
        preferred_channel="email",
        consent={"email": consent},
        timezone="Asia/Tehran",
    )
    store = NotifierStore(db)
    async with projections_api({"c-view": profile, "c-own": Profile()}) as projections:
        directory = ContactDirectory(store, projections)
        assert await directory("nobody") is None
        assert await directory("c-down") is None  # an enrichment: unavailable is not an error

        own = Contact(emails=("own@example.com",), consent={"email": True})
        await store.save_state(CustomerState(customer_id="c-own", contact=own))
        assert await directory("c-own") == own

        found = await directory("c-view")
    assert found is not None
    assert (found.emails, found.consent, found.timezone, found.erased) == (
        ("view@example.com",),
        {"email": True},
        "Asia/Tehran",
        False,
    )
