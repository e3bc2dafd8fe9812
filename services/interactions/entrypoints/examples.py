"""OpenAPI request bodies and answers, with examples adapter authors can copy."""

from typing import Any

from services.interactions.entrypoints.schemas import BatchResult
from shared.events import EVENT_CLASSES, INTERACTION_TYPES, MARKETING_TYPES, EventType
from shared.events.envelope import (
    CLOUDEVENTS_BATCH_CONTENT_TYPE,
    CLOUDEVENTS_CONTENT_TYPE,
    Envelope,
)
from shared.http.event_schemas import schema_ref

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
    "id": "shop-A-1005",
    "source": "adapters/web-shop",
    "type": "c360.interaction.purchase",
    "time": "2026-03-01T10:02:11Z",
    "data": {
        "customer": {"email": "sara@example.com", "external_ids": {"crm": "123"}},
        "order_id": "A-1005",
        "amount_minor": 2933,
        "currency": "USD",
        "items": [{"sku": "cd", "quantity": 2, "unit_price_minor": 1466}],
    },
}


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


SARA = {"phone": "0912 123 4567"}


def _event(
    event_id: str, source: str, event_type: EventType, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": event_type.value,
        "time": "2026-03-01T11:00:00Z",
        "data": data,
    }


# One example per type the door takes, each with its own id: run in any order, none collides.
EXAMPLES: dict[EventType, dict[str, Any]] = {
    EventType.CALL: CALL,
    EventType.EMAIL: _event(
        "mail-5001",
        "adapters/mail",
        EventType.EMAIL,
        {"customer": {"email": "sara@example.com"}, "direction": "inbound", "subject": "سفارش"},
    ),
    EventType.CHAT: _event(
        "chat-3001",
        "adapters/chat",
        EventType.CHAT,
        {"customer": SARA, "platform": "whatsapp", "transcript_preview": "Where is my order?"},
    ),
    EventType.SMS: _event(
        "sms-2001",
        "adapters/sms",
        EventType.SMS,
        {"customer": SARA, "direction": "inbound", "text": "لطفا تماس بگیرید"},
    ),
    EventType.PURCHASE: PURCHASE,
    EventType.REFUND: _event(
        "shop-R-1001",
        "adapters/web-shop",
        EventType.REFUND,
        {
            "customer": {"email": "sara@example.com"},
            "order_id": "A-1005",
            "amount_minor": 1466,
            "currency": "USD",
            "reason": "damaged",
        },
    ),
    EventType.COMPLAINT_OPENED: _event(
        "tickets-K-501-opened",
        "adapters/tickets",
        EventType.COMPLAINT_OPENED,
        {"customer": SARA, "complaint_id": "K-501", "severity": "high", "subject": "Late delivery"},
    ),
    EventType.COMPLAINT_UPDATED: _event(
        "tickets-K-501-updated",
        "adapters/tickets",
        EventType.COMPLAINT_UPDATED,
        {"customer": SARA, "complaint_id": "K-501", "status": "in_progress"},
    ),
    EventType.COMPLAINT_RESOLVED: _event(
        "tickets-K-501-resolved",
        "adapters/tickets",
        EventType.COMPLAINT_RESOLVED,
        {"customer": SARA, "complaint_id": "K-501", "resolution": "refunded the shipping"},
    ),
    EventType.COMPLAINT_ASSIGNED: _event(
        "tickets-K-501-assigned",
        "adapters/tickets",
        EventType.COMPLAINT_ASSIGNED,
        {"customer": SARA, "complaint_id": "K-501", "owner": "agent-2", "agent_id": "supervisor"},
    ),
    EventType.COMPLAINT_COMMENTED: _event(
        "tickets-K-501-comment-1",
        "adapters/tickets",
        EventType.COMPLAINT_COMMENTED,
        {
            "customer": SARA,
            "complaint_id": "K-501",
            "comment": "Courier says Tuesday",
            "agent_id": "agent-2",
        },
    ),
    EventType.COMPLAINT_STATUS_CHANGED: _event(
        "tickets-K-501-waiting",
        "adapters/tickets",
        EventType.COMPLAINT_STATUS_CHANGED,
        {"customer": SARA, "complaint_id": "K-501", "status": "waiting_customer"},
    ),
    EventType.SURVEY_RESPONSE: _event(
        "survey-9001",
        "adapters/survey",
        EventType.SURVEY_RESPONSE,
        {"customer": SARA, "csat": 4, "nps": 9, "comment": "عالی"},
    ),
    EventType.VISIT: _event(
        "store-7001",
        "adapters/stores",
        EventType.VISIT,
        {"customer": SARA, "location": "tehran-01", "purpose": "pickup"},
    ),
    EventType.NOTE: _event(
        "crm-note-4001",
        "adapters/crm",
        EventType.NOTE,
        {"customer": SARA, "text": "Prefers calls after 5pm", "agent_id": "agent-17"},
    ),
    EventType.MARKETING_SPEND: _event(
        "ads-2026-02-social",
        "adapters/ads",
        EventType.MARKETING_SPEND,
        {
            "channel": "social",
            "campaign": "winter",
            "amount_minor": 120000,
            "currency": "USD",
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
        },
    ),
}
INTAKE_TYPES = sorted(INTERACTION_TYPES | MARKETING_TYPES)


def intake_models() -> list[type[Envelope]]:
    """The event models `/v1/events` takes: touchpoints and marketing spend."""
    return [EVENT_CLASSES[t] for t in INTAKE_TYPES]


def intake_schema() -> dict[str, Any]:
    """The request body as what it is: one of the event types, chosen by `type`."""
    return {
        "oneOf": [schema_ref(m) for m in intake_models()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {t.value: schema_ref(EVENT_CLASSES[t])["$ref"] for t in INTAKE_TYPES},
        },
    }


def _examples() -> dict[str, Any]:
    return {t.value: {"summary": t.value, "value": EXAMPLES[t]} for t in INTAKE_TYPES}


def single_body() -> dict[str, Any]:
    content = {"schema": intake_schema(), "examples": _examples()}
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
        "schema": {"type": "array", "items": intake_schema(), "maxItems": 1000},
        "examples": {"two": {"value": [CALL, PURCHASE]}},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {CLOUDEVENTS_BATCH_CONTENT_TYPE: content, "application/json": content},
        }
    }
