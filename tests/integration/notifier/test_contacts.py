"""How the notifier finds a customer's channels: its own fold first, else the 360 view."""

from datetime import UTC, datetime

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.adapters.contacts import ContactDirectory
from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.customer import Contact, CustomerState
from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.domain.state import CustomerState as ViewState
from shared.events.customer import Consent, Profile
from shared.mongo import Document

pytestmark = pytest.mark.integration


async def test_own_contact_first_then_the_projection_view_then_nothing(
    db: AsyncDatabase[Document],
) -> None:
    store = NotifierStore(db)
    directory = ContactDirectory(store, db)
    assert await directory("nobody") is None

    own = Contact(emails=("own@example.com",), consent={"email": True})
    await store.save_state(CustomerState(customer_id="c-own", contact=own))
    assert await directory("c-own") == own

    consent = Consent(granted=True, legal_basis="consent", at=datetime.now(UTC))
    profile = Profile(
        emails=("view@example.com",),
        preferred_channel="email",
        consent={"email": consent},
        timezone="Asia/Tehran",
    )
    projections = ProjectionStore(db, await active_generation(db))
    await projections.save_state(ViewState(customer_id="c-view", known=True, profile=profile), 0)
    found = await directory("c-view")
    assert found is not None
    assert (found.emails, found.consent, found.timezone) == (
        ("view@example.com",),
        {"email": True},
        "Asia/Tehran",
    )
