"""The interactions app in-process (lifespan running: producer, ingress agent) on the test's own
topics and database, asking the contacts app (in-process too, lifespan running) for customers."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.contacts.bootstrap import build_app as build_contacts
from services.interactions.bootstrap import build_app
from shared.settings import Settings
from shared.topics import Topics
from tests.inprocess import AsgiCalls


@pytest.fixture
async def api(settings: Settings, catalog: Topics) -> AsyncIterator[httpx.AsyncClient]:
    contacts = build_contacts(settings)
    async with contacts.router.lifespan_context(contacts):
        app = build_app(settings, contacts_calls=AsgiCalls(contacts))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://interactions", timeout=60
            ) as client:
                yield client
