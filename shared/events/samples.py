"""One valid `data` payload for every event type in the catalog: the examples of the AsyncAPI
document (`shared/asyncapi.py`) and the contract tests' fixtures."""

from typing import Any

from shared.events import EventType

CUSTOMER = {"phone": "+989121234567", "email": "Sara@Example.com", "external_ids": {"crm": "123"}}
WHEN = "2026-03-20T10:30:00+03:30"
PROFILE = {
    "name": "سارا محمدی",
    "emails": ["sara@example.com"],
    "phones": ["+989121234567"],
    "birthday": "1990-05-01",
    "language": "fa",
    "timezone": "Asia/Tehran",
    "preferred_channel": "sms",
    "consent": {"sms": {"granted": True, "legal_basis": "consent", "at": WHEN}},
}
NOTIFICATION = {
    "notification_id": "n-1",
    "customer_id": "c_1",
    "rule": "welcome-first-purchase",
    "channel": "sms",
    "trigger_event_id": "e-1",
}

SEGMENT_MEMBERSHIP = {
    "segment_id": "at-risk-vip",
    "segment_name": "Valuable customers at risk",
    "customer_id": "c_123",
    "cause": "interactions:3:1042",
}
SAMPLE_DATA: dict[EventType, dict[str, Any]] = {
    EventType.CALL: {
        "customer": CUSTOMER,
        "direction": "inbound",
        "duration_seconds": 310,
        "agent_id": "a-7",
        "outcome": "resolved",
        "notes": "سلام 👋",
        "wrapup_code": "order_status",
    },
    EventType.EMAIL: {"customer": CUSTOMER, "direction": "outbound", "subject": "Your order"},
    EventType.CHAT: {"customer": CUSTOMER, "platform": "web", "transcript_preview": "hi"},
    EventType.SMS: {"customer": CUSTOMER, "direction": "outbound", "text": "کد شما ۱۲۳"},
    EventType.PURCHASE: {
        "customer": CUSTOMER,
        "order_id": "A-1001",
        "amount_minor": 2933,
        "currency": "USD",
        "items": [{"sku": "cd", "quantity": 2, "unit_price_minor": 1466}],
    },
    EventType.REFUND: {
        "customer": CUSTOMER,
        "order_id": "A-1001",
        "amount_minor": 1466,
        "currency": "USD",
        "reason": "damaged",
    },
    EventType.COMPLAINT_OPENED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "severity": "high",
        "subject": "Late delivery",
        "sla_due_at": WHEN,
    },
    EventType.COMPLAINT_UPDATED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "status": "in_progress",
    },
    EventType.COMPLAINT_RESOLVED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "resolution": "refunded",
    },
    EventType.COMPLAINT_ASSIGNED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "owner": "agent-2",
        "agent_id": "supervisor-1",
    },
    EventType.COMPLAINT_COMMENTED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "comment": "Courier says Tuesday",
        "agent_id": "agent-2",
    },
    EventType.COMPLAINT_STATUS_CHANGED: {
        "customer": CUSTOMER,
        "complaint_id": "K-1",
        "status": "waiting_customer",
    },
    EventType.SURVEY_RESPONSE: {"customer": CUSTOMER, "csat": 4, "nps": 9, "comment": "عالی"},
    EventType.VISIT: {"customer": CUSTOMER, "location": "tehran-01", "purpose": "pickup"},
    EventType.NOTE: {"customer": CUSTOMER, "text": "Prefers calls after 5pm", "agent_id": "a-7"},
    EventType.CONTACT_CREATED: {"customer_id": "c_1", "origin": "api", "profile": PROFILE},
    EventType.CONTACT_UPDATED: {"customer_id": "c_1", "version": 2, "changes": {"language": "en"}},
    EventType.IDENTITY_LINKED: {
        "customer_id": "c_1",
        "identity": {"kind": "loyalty", "value": "A-9"},
    },
    EventType.CONTACT_MERGED: {
        "survivor_id": "c_1",
        "merged_id": "c_2",
        "reason": "same person",
        "moved_identities": [{"kind": "email", "value": "s@x.com"}],
    },
    EventType.CONTACT_UNMERGED: {"survivor_id": "c_1", "merged_id": "c_2", "reason": "mistake"},
    EventType.CONSENT_CHANGED: {
        "customer_id": "c_1",
        "channel": "email",
        "consent": {"granted": False, "legal_basis": "consent", "at": WHEN},
    },
    EventType.CONTACT_ERASED: {"customer_id": "c_1", "reason": "GDPR article 17 request"},
    EventType.NOTIFICATION_SENT: NOTIFICATION,
    EventType.NOTIFICATION_DELIVERED: {**NOTIFICATION, "confirmed_by": "provider_receipt"},
    EventType.NOTIFICATION_FAILED: {**NOTIFICATION, "attempts": 5, "error": "HTTP 500"},
    EventType.NOTIFICATION_SUPPRESSED: {**NOTIFICATION, "reason": "no consent for sms"},
    EventType.ANALYTICS_SCORED: {
        "customer_id": "c_1",
        "rfm": {"recency": 5, "frequency": 4, "monetary": 4, "cell": "champions"},
        "clv": {
            "p_alive": 0.93,
            "expected_purchases_90d": 1.7,
            "clv_12m_minor": 12_840,
            "currency": "USD",
        },
        "model_id": "clv-20261201T2200Z-USD",
        "scored_at": WHEN,
    },
    EventType.SEGMENT_ENTERED: SEGMENT_MEMBERSHIP,
    EventType.SEGMENT_EXITED: SEGMENT_MEMBERSHIP,
    EventType.CALL_RINGING: {"call_id": "8813", "agent_id": "agent", "phone": "0912 123 4567"},
    EventType.MARKETING_SPEND: {
        "channel": "paid_search",
        "campaign": "spring-sale",
        "amount_minor": 250_000,
        "currency": "USD",
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
    },
    EventType.ACCESS_AUDITED: {
        "actor": "agent",
        "actor_subject": "5d1c0f2e",
        "role": "agent",
        "action": "customer.lookup",
        "customer_ids": ["c_123"],
        "service": "projections",
        "method": "GET",
        "path": "/v1/customers/lookup?phone=09121234567",
        "status": 200,
        "client": "127.0.0.1",
    },
}
