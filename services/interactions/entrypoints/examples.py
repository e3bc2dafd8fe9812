"""OpenAPI request bodies and answers, with examples adapter authors can copy."""

from typing import Any

from services.interactions.entrypoints.schemas import BatchResult
from shared.events.envelope import CLOUDEVENTS_BATCH_CONTENT_TYPE, CLOUDEVENTS_CONTENT_TYPE

CALL = {
    "specversion": "1.0",
    "id": "pbx-tehran-8812",
    "source": "adapters/pbx-tehran",
    "type": "c360.interaction.call",
    "time": "2026-03-01T09:30:00+03:30",
    "data": {
        "customer": {"phone": "0912 123 4567"},
        "direction": "inbound",
        "duration_seconds": 312,
        "agent_id": "agent-17",
        "outcome": "resolved",
        "notes": "مشتری درباره سفارش پرسید 👍",
        "wrapup_code": "order_status",
    },
}
PURCHASE = {
    "specversion": "1.0",
    "id": "shop-A-1001",
    "source": "adapters/web-shop",
    "type": "c360.interaction.purchase",
    "time": "2026-03-01T10:02:11Z",
    "data": {
        "customer": {"email": "sara@example.com", "external_ids": {"crm": "123"}},
        "order_id": "A-1001",
        "amount_minor": 2933,
        "currency": "USD",
        "items": [{"sku": "cd", "quantity": 2, "unit_price_minor": 1466}],
    },
}
_ANY_OBJECT = {"type": "object", "additionalProperties": True}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {}}}


SINGLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("not JSON, or not a JSON object"),
    409: _problem("this id was already used for an event with different content"),
    413: _problem("the event is larger than 256 KiB"),
    415: _problem("unsupported content type"),
    422: _problem("unknown type, or invalid fields (every one is listed in `errors`)"),
    503: _problem("the broker or store is unavailable; retry with the same id"),
}
BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    207: {
        "description": "some events refused or unavailable; see each result's `status`",
        "model": BatchResult,
    },
    400: _problem("not a JSON array"),
    413: _problem("more than 1,000 events, or a body over the size limit"),
    415: _problem("unsupported content type"),
}


def single_body() -> dict[str, Any]:
    content = {"schema": _ANY_OBJECT, "examples": {"call": {"value": CALL}}}
    return {
        "requestBody": {
            "required": True,
            "description": "One CloudEvent in structured mode; or binary mode: `ce-*` headers "
            "with `data` as the JSON body.",
            "content": {CLOUDEVENTS_CONTENT_TYPE: content, "application/json": content},
        }
    }


def batch_body() -> dict[str, Any]:
    content = {
        "schema": {"type": "array", "items": _ANY_OBJECT, "maxItems": 1000},
        "examples": {"two": {"value": [CALL, PURCHASE]}},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {CLOUDEVENTS_BATCH_CONTENT_TYPE: content, "application/json": content},
        }
    }
