"""Valid events for tests, with unique ids; override any field."""

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.events import Event, EventType, parse_event


def event_dict(event_type: EventType, data: dict[str, Any], **attrs: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": attrs.pop("id", str(uuid.uuid4())),
        "source": attrs.pop("source", "tests/factories"),
        "type": event_type.value,
        "time": attrs.pop("time", datetime.now(UTC).isoformat()),
        "data": data,
        **attrs,
    }


def make_event(event_type: EventType, data: dict[str, Any], **attrs: Any) -> Event:
    return parse_event(event_dict(event_type, data, **attrs))


def purchase(phone: str = "+989121234567", amount_minor: int = 2933, **attrs: Any) -> Event:
    return make_event(
        EventType.PURCHASE,
        {
            "customer": {"phone": phone},
            "order_id": f"A-{uuid.uuid4().hex[:6]}",
            "amount_minor": amount_minor,
            "currency": "USD",
            "items": [{"sku": "cd", "quantity": 1, "unit_price_minor": amount_minor}],
        },
        **attrs,
    )
