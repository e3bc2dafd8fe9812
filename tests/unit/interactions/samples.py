"""One realistic event of every interaction type, as an adapter would send it (JSON dicts)."""

import uuid
from typing import Any

from shared.events import EventType

PERSIAN = "مشتری از تأخیر ارسال ناراضی بود؛ پیگیری شد"
ARABIC = "شكراً جزيلاً على الخدمة الممتازة"
EMOJI = "great service 👍🏽🎉 — 五星"

DATA: dict[EventType, dict[str, Any]] = {
    EventType.CALL: {
        "customer": {"phone": "0912 123 4567"},
        "direction": "inbound",
        "duration_seconds": 312,
        "agent_id": "agent-17",
        "outcome": "resolved",
        "line": "support-fa",
        "notes": PERSIAN,
        "wrapup_code": "billing_question",
    },
    EventType.EMAIL: {
        "customer": {"email": "Sara.Ahmadi@Example.com"},
        "direction": "outbound",
        "subject": "سفارش شما ارسال شد",
        "body_preview": ARABIC,
        "message_id": "<a1@mail.example.com>",
        "agent_id": "agent-3",
    },
    EventType.CHAT: {
        "customer": {"external_ids": {"crm": "123"}},
        "platform": "whatsapp",
        "duration_seconds": 95,
        "transcript_preview": EMOJI,
    },
    EventType.SMS: {
        "customer": {"phone": "+98 912 765 4321"},
        "direction": "inbound",
        "text": "۱۲۳ لغو",
    },
    EventType.PURCHASE: {
        "customer": {"email": "sara.ahmadi@example.com", "external_ids": {"loyalty": "A-9"}},
        "order_id": "A-1001",
        "amount_minor": 2933,
        "currency": "USD",
        "items": [
            {"sku": "cd", "name": "Shajarian — Bidad", "quantity": 2, "unit_price_minor": 1466},
            {"sku": "bag", "quantity": 1, "unit_price_minor": 1},
        ],
        "store": "web",
    },
    EventType.REFUND: {
        "customer": {"email": "sara.ahmadi@example.com"},
        "order_id": "A-1001",
        "refund_id": "R-77",
        "amount_minor": 0,
        "currency": "IRR",
        "reason": "damaged",
    },
    EventType.COMPLAINT_OPENED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "severity": "high",
        "subject": "ارسال دیرهنگام",
        "description": PERSIAN,
        "sla_due_at": "2026-03-02T09:30:00+03:30",
    },
    EventType.COMPLAINT_UPDATED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "status": "escalated",
        "severity": "critical",
        "comment": "escalated to logistics",
        "agent_id": "agent-9",
    },
    EventType.COMPLAINT_RESOLVED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "resolution": "refund issued and apology sent",
        "comment": EMOJI,
    },
    EventType.COMPLAINT_ASSIGNED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "owner": "agent-9",
        "note": "logistics knows the courier",
    },
    EventType.COMPLAINT_COMMENTED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "comment": PERSIAN,
        "agent_id": "agent-9",
    },
    EventType.COMPLAINT_STATUS_CHANGED: {
        "customer": {"phone": "09121234567"},
        "complaint_id": "T-501",
        "status": "closed",
        "comment": "customer confirmed",
    },
    EventType.SURVEY_RESPONSE: {
        "customer": {"email": "sara.ahmadi@example.com"},
        "survey_id": "post-call",
        "csat": 5,
        "nps": 10,
        "comment": ARABIC,
    },
    EventType.VISIT: {
        "customer": {"external_ids": {"crm": "123"}},
        "location": "Tehran — Vanak branch",
        "purpose": "pickup",
        "duration_seconds": 600,
    },
    EventType.NOTE: {
        "customer": {"phone": "09121234567"},
        "text": PERSIAN + " " + EMOJI,
        "agent_id": "a1",
    },
}


def sample(event_type: EventType, **attrs: Any) -> dict[str, Any]:
    """A valid structured-mode CloudEvent of `event_type` with a fresh id."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"{event_type.short_name}-{uuid.uuid4().hex[:12]}",
        "source": "adapters/tests",
        "type": event_type.value,
        "time": "2026-03-01T09:30:00+03:30",
        "data": DATA[event_type],
    }
    return {**event, **attrs}


def every_interaction() -> list[dict[str, Any]]:
    return [sample(t) for t in DATA]


def note(phone: str = "09121234567", text: str = "hello", **attrs: Any) -> dict[str, Any]:
    """The smallest useful event: a note about the customer with `phone`."""
    attrs.setdefault("data", {"customer": {"phone": phone}, "text": text})
    return sample(EventType.NOTE, **attrs)


def spend(channel: str = "paid_search", **attrs: Any) -> dict[str, Any]:
    """A marketing spend report: about a channel, not a customer."""
    data = {
        "channel": channel,
        "campaign": "spring",
        "amount_minor": 250_000,
        "currency": "USD",
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
    }
    attrs.setdefault("data", data)
    return {
        **sample(EventType.NOTE),
        "type": EventType.MARKETING_SPEND.value,
        "id": f"spend-{uuid.uuid4().hex[:12]}",
        **attrs,
    }
