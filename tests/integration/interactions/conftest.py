"""The interactions app in-process (lifespan running: producer, contact store, ingress agent) on
the test's own topics and database."""

from collections.abc import AsyncIterator

import httpx
import pytest

from services.interactions.bootstrap import build_app
from shared.settings import Settings
from shared.topics import Topics


@pytest.fixture
async def api(settings: Settings, catalog: Topics) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://interactions", timeout=60
        ) as client:
            yield client
