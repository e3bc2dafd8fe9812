"""Customers and events for the console's browser tests, written through the real services."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

SEEN_WITHIN_MS = 20_000  # a deadline for a loaded machine, not a performance claim


async def create_customer(
    http: httpx.AsyncClient, contacts: str, **profile: Any
) -> tuple[str, str]:
    """The new customer's id and the read-your-writes position of its creation."""
    created = await http.post(f"{contacts}/v1/contacts", json=profile)
    assert created.status_code == 201, created.text
    return str(created.json()["customer_id"]), str(created.json()["position"])


async def publish(
    http: httpx.AsyncClient, interactions: str, customer_id: str, kind: str, **data: Any
) -> str:
    """Publishes one touchpoint; returns its read-your-writes position."""
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:c360:test-shop",
        "type": f"c360.interaction.{kind}",
        "time": datetime.now(UTC).isoformat(),
        "data": {"customer": {"customer_id": customer_id}, **data},
    }
    sent = await http.post(f"{interactions}/v1/events", json=event)
    assert sent.status_code == 202, sent.text
    return str(sent.json()["position"])


async def visible(
    http: httpx.AsyncClient, projections: str, customer_id: str, position: str
) -> Any:
    """The 360 view once the projection has folded the event at `position` in."""
    view = await http.get(
        f"{projections}/v1/customers/{customer_id}?min_position={position}&timeout_ms=20000"
    )
    assert view.status_code == 200, view.text
    return view.json()


def plain(text: str) -> str:
    """Text as read, without the no-break spaces and direction marks Intl puts in."""
    return text.replace("\xa0", " ").replace("\u200e", "").replace("\u200f", "").strip()
