"""Events of one customer, as the contacts, interactions and notifier services publish them."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import Event, EventType
from tests.factories import make_event

__all__ = ["make_event"]

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def new_customer_id() -> str:
    return f"c_{uuid.uuid4().hex[:20]}"


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def interaction(kind: EventType, customer_id: str, minutes: float, **data: Any) -> Event:
    return make_event(
        kind,
        {"customer": {"customer_id": customer_id}, **data},
        subject=customer_id,
        time=at(minutes),
    )


def created(
    customer_id: str, minutes: float = 0, name: str = "Sara Ahmadi", **profile: Any
) -> Event:
    body = {"name": name, **profile}
    return make_event(
        EventType.CONTACT_CREATED,
        {"customer_id": customer_id, "origin": "api", "profile": body},
        subject=customer_id,
        time=at(minutes),
        source="services/contacts",
    )


def purchase(customer_id: str, minutes: float, amount: int = 2933, currency: str = "USD") -> Event:
    return interaction(
        EventType.PURCHASE,
        customer_id,
        minutes,
        order_id=f"A-{uuid.uuid4().hex[:6]}",
        amount_minor=amount,
        currency=currency,
    )


def call(customer_id: str, minutes: float) -> Event:
    return interaction(
        EventType.CALL, customer_id, minutes, direction="inbound", duration_seconds=120
    )


def merged(survivor: str, merged_id: str, minutes: float) -> Event:
    return make_event(
        EventType.CONTACT_MERGED,
        {"survivor_id": survivor, "merged_id": merged_id, "reason": "same person"},
        subject=survivor,
        time=at(minutes),
    )


def unmerged(survivor: str, merged_id: str, minutes: float) -> Event:
    return make_event(
        EventType.CONTACT_UNMERGED,
        {"survivor_id": survivor, "merged_id": merged_id, "reason": "not the same person"},
        subject=survivor,
        time=at(minutes),
    )


def notification_sent(customer_id: str, minutes: float) -> Event:
    return make_event(
        EventType.NOTIFICATION_SENT,
        {
            "notification_id": f"n-{uuid.uuid4().hex[:8]}",
            "customer_id": customer_id,
            "rule": "complaint-ack",
            "channel": "sms",
            "target": "+98912***67",
        },
        subject=customer_id,
        time=at(minutes),
    )


def notification_failed(customer_id: str, minutes: float) -> Event:
    return make_event(
        EventType.NOTIFICATION_FAILED,
        {
            "notification_id": f"n-{uuid.uuid4().hex[:8]}",
            "customer_id": customer_id,
            "rule": "complaint-ack",
            "channel": "email",
            "error": "ConnectionRefusedError: [Errno 111]",
        },
        subject=customer_id,
        time=at(minutes),
    )
