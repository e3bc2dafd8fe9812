"""Events and states for the notifier's unit tests."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifier.adapters.rules_file import DEFAULT_RULES, parse_rules
from services.notifier.domain.customer import Contact, CustomerState
from services.notifier.domain.evaluation import Decision, notification_id
from services.notifier.domain.notification import Notification, Origin, from_decision
from services.notifier.domain.rules import QuietHours, RulesFile
from shared.events import Event, EventType
from tests.factories import make_event

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
CUSTOMER = "cust-1"


def default_rules() -> RulesFile:
    return parse_rules(DEFAULT_RULES.read_text(), environ={})


def reachable(**changes: Any) -> CustomerState:
    contact = Contact(
        name="Sara",
        emails=("sara@example.com",),
        phones=("+989121234567",),
        preferred_channel="email",
        consent={"email": True, "sms": True},
        timezone="UTC",
    )
    return CustomerState(customer_id=CUSTOMER, contact=contact).model_copy(update=changes)


def event(event_type: EventType, data: dict[str, Any], at: datetime = T0) -> Event:
    data = {"customer": {"customer_id": CUSTOMER}, **data}
    return make_event(event_type, data, time=at.isoformat(), subject=CUSTOMER)


def purchase(amount_minor: int = 2933, currency: str = "USD", at: datetime = T0) -> Event:
    order = f"A-{uuid.uuid4().hex[:6]}"
    return event(
        EventType.PURCHASE,
        {"order_id": order, "amount_minor": amount_minor, "currency": currency},
        at,
    )


def complaint(
    severity: str = "low", at: datetime = T0, sla_in: timedelta | None = None, cid: str = "K-1"
) -> Event:
    data: dict[str, Any] = {"complaint_id": cid, "severity": severity, "subject": "late parcel"}
    if sla_in is not None:
        data["sla_due_at"] = (at + sla_in).isoformat()
    return event(EventType.COMPLAINT_OPENED, data, at)


def resolved(cid: str = "K-1", at: datetime = T0) -> Event:
    return event(EventType.COMPLAINT_RESOLVED, {"complaint_id": cid, "resolution": "refunded"}, at)


def survey(csat: int | None = None, nps: int | None = None, at: datetime = T0) -> Event:
    return event(EventType.SURVEY_RESPONSE, {"csat": csat, "nps": nps}, at)


def call(at: datetime = T0) -> Event:
    return event(EventType.CALL, {"direction": "inbound", "duration_seconds": 30}, at)


def pending_notification(
    target: str = "customer",
    customer: str = "c1",
    at: datetime | None = None,
    quiet_hours: QuietHours | None = None,
) -> Notification:
    """A notification of rule `r` on a purchase, decided and not yet delivered."""
    key = str(uuid.uuid4())
    when = at or datetime.now(UTC)
    decision = Decision(
        notification_id=notification_id("r", key),
        rule_id="r",
        customer_id=customer,
        occurrence_key=key,
        occurrence_name="c360.interaction.purchase",
        triggered_at=when,
        target=target,
        fallback=("email",),
        subject="Hello",
        body="Body",
        quiet_hours=quiet_hours,
    )
    return from_decision(decision, Origin(topic="t", partition=0, offset=7), when)
