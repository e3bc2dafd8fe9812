"""What can fire a rule: an event, a due timer, or a scheduled day (birthday).

Each occurrence has a stable `key` (event id, timer id, `birthday:<customer>:<year>`), and an
event its `source` too: with the rule id they make the notification id, so the same occurrence
can never notify twice, and two adapters' events that share an id each notify.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from services.notifier.domain.customer import OpenComplaint
from services.notifier.domain.rules import ScheduleKind, TimerKind, Trigger
from shared.events import EVENT_CLASSES, Event, EventType
from shared.events.history import is_imported

ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"})
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
COMPLAINT_FIELDS = frozenset(
    {"complaint_id", "severity", "subject", "status", "opened_at", "sla_due_at"}
)
BIRTHDAY_FIELDS = frozenset({"birthday", "age"})
COMMON_FIELDS = frozenset({"id", "time"})


class OccurrenceKind(StrEnum):
    EVENT = "event"
    TIMER = "timer"
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class Occurrence:
    kind: OccurrenceKind
    name: str
    key: str
    customer_id: str
    at: datetime
    fields: dict[str, Any] = field(default_factory=dict)
    only_rule: str | None = None  # a timer belongs to the one rule that scheduled it
    imported: bool = False  # history loaded by `c360 import`, not something happening now
    source: str = ""  # an event's CloudEvents source; timers and schedules have none


def display_amount(amount_minor: int, currency: str) -> str:
    """`2933, USD` -> `29.33 USD`, with the currency's usual number of decimals."""
    if currency in ZERO_DECIMAL_CURRENCIES:
        return f"{amount_minor} {currency}"
    places = 3 if currency in THREE_DECIMAL_CURRENCIES else 2
    whole, fraction = divmod(amount_minor, 10**places)
    return f"{whole}.{fraction:0{places}d} {currency}"


def from_event(event: Event, customer_id: str) -> Occurrence:
    data = event.data.model_dump(mode="json", exclude={"customer"})
    if "amount_minor" in data and "currency" in data:
        data["amount"] = display_amount(data["amount_minor"], data["currency"])
    data.update(id=event.id, time=event.time.isoformat())
    return Occurrence(
        OccurrenceKind.EVENT,
        event.type.value,
        event.id,
        customer_id,
        event.time,
        data,
        imported=is_imported(event),
        source=event.source,
    )


def from_sla_timer(
    timer_id: str, rule_id: str, customer_id: str, complaint: OpenComplaint, due: datetime
) -> Occurrence:
    fields = complaint.model_dump(mode="json")
    fields.update(id=timer_id, time=due.isoformat())
    return Occurrence(
        OccurrenceKind.TIMER,
        TimerKind.COMPLAINT_SLA.value,
        timer_id,
        customer_id,
        due,
        fields,
        only_rule=rule_id,
    )


def from_birthday(customer_id: str, birthday: date, local_day: date, at: datetime) -> Occurrence:
    key = f"birthday:{customer_id}:{local_day.year}"
    fields = {
        "birthday": birthday.isoformat(),
        "age": local_day.year - birthday.year,
        "id": key,
        "time": at.isoformat(),
    }
    return Occurrence(
        OccurrenceKind.SCHEDULE, ScheduleKind.BIRTHDAY.value, key, customer_id, at, fields
    )


def fields_for(trigger: Trigger) -> frozenset[str]:
    """The `event.*` names an occurrence of this trigger provides (checked at load time)."""
    if trigger.timer is not None:
        return COMPLAINT_FIELDS | COMMON_FIELDS
    if trigger.schedule is not None:
        return BIRTHDAY_FIELDS | COMMON_FIELDS
    assert trigger.event is not None
    return _event_fields(trigger.event) | COMMON_FIELDS


def _event_fields(event_type: EventType) -> frozenset[str]:
    data_model = EVENT_CLASSES[event_type].model_fields["data"].annotation
    assert isinstance(data_model, type)
    assert issubclass(data_model, BaseModel)
    names = set(data_model.model_fields) - {"customer"}
    if {"amount_minor", "currency"} <= names:
        names.add("amount")
    return frozenset(names)
