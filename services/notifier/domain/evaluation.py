"""Rule evaluation: an occurrence plus the customer's state in, notifications to send out. Pure."""

import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.notifier.domain.customer import CustomerState, customer_fields
from services.notifier.domain.occurrence import Occurrence, OccurrenceKind
from services.notifier.domain.rules import QuietHours, Rule, RulesFile

MAX_REMEMBERED_NOTIFICATIONS = 200


def notification_id(rule_id: str, occurrence_key: str, source: str = "") -> str:
    """Deterministic: the same rule on the same event or timer always gives the same id. An
    event is its `source` + `id` (two adapters may use the same id); timers have no source."""
    named = f"{source}\n{occurrence_key}" if source else occurrence_key
    return hashlib.sha256(f"{rule_id}\n{named}".encode()).hexdigest()


@dataclass(frozen=True)
class Decision:
    """A notification to send, rendered at trigger time; the target is resolved at delivery."""

    notification_id: str
    rule_id: str
    customer_id: str
    occurrence_key: str
    occurrence_name: str
    triggered_at: datetime
    target: str
    fallback: tuple[str, ...]
    subject: str
    body: str
    quiet_hours: QuietHours | None = None


@dataclass(frozen=True)
class Evaluation:
    state: CustomerState
    decisions: list[Decision] = field(default_factory=list)
    throttled: list[str] = field(default_factory=list)
    evaluated: int = 0


class _DottedFormatter(string.Formatter):
    """`{customer.name}` looks up the whole dotted name in a flat mapping."""

    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs[field_name], field_name


_formatter = _DottedFormatter()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in _formatter.parse(text) if name}


def render(text: str, values: Mapping[str, Any]) -> str:
    return _formatter.vformat(text, (), {k: "" if v is None else v for k, v in values.items()})


def matches(rule: Rule, occurrence: Occurrence) -> bool:
    return (
        rule.enabled
        and rule.when.name == occurrence.name
        and occurrence.only_rule in (None, rule.id)
        and rule.when.segment in (None, occurrence.fields.get("segment_id"))
    )


def is_current(rule: Rule, occurrence: Occurrence, now: datetime | None) -> bool:
    """Only what happens now notifies: never imported history, nor an event older than the
    rule's `max_age` (timers and schedules are due now by construction)."""
    if occurrence.kind is not OccurrenceKind.EVENT:
        return True
    if occurrence.imported:
        return False
    return now is None or rule.max_age is None or now - occurrence.at <= rule.max_age


def values_for(occurrence: Occurrence, state: CustomerState) -> dict[str, Any]:
    """Every `event.*` and `customer.*` name conditions and templates may use."""
    values = {f"event.{k}": v for k, v in occurrence.fields.items()}
    values.update({f"customer.{k}": v for k, v in customer_fields(state, occurrence.at).items()})
    return values


def evaluate(
    rules: RulesFile, occurrence: Occurrence, state: CustomerState, now: datetime | None = None
) -> Evaluation:
    """Decide which rules notify for `occurrence`, given the state *after* its own event.
    `now` is the notifier's clock: without it, an event's age is not checked.

    Throttling is per customer and rule, measured in trigger time so a replay decides alike.
    """
    candidates = [rule for rule in rules.rules if matches(rule, occurrence)]
    if not candidates or (state.contact is not None and state.contact.erased):
        return Evaluation(state, evaluated=len(candidates))
    values = values_for(occurrence, state)
    document = {"event": occurrence.fields, "customer": customer_fields(state, occurrence.at)}
    decisions, throttled, last_fired = [], [], dict(state.last_fired)
    for rule in candidates:
        if not is_current(rule, occurrence, now) or not rule.when.check(document):
            continue
        previous = last_fired.get(rule.id)
        if rule.throttle and previous and occurrence.at < previous + rule.throttle:
            throttled.append(rule.id)
            continue
        if rule.throttle:
            last_fired[rule.id] = occurrence.at
        decisions.append(_decide(rules, rule, occurrence, values))
    remembered = (*state.notification_ids, *(d.notification_id for d in decisions))
    new_state = state.model_copy(
        update={
            "last_fired": last_fired,
            "notification_ids": tuple(dict.fromkeys(remembered))[-MAX_REMEMBERED_NOTIFICATIONS:],
        }
    )
    return Evaluation(new_state, decisions, throttled, len(candidates))


def _decide(
    rules: RulesFile, rule: Rule, occurrence: Occurrence, values: Mapping[str, Any]
) -> Decision:
    template = rules.templates[rule.action.template]
    return Decision(
        notification_id=notification_id(rule.id, occurrence.key, occurrence.source),
        rule_id=rule.id,
        customer_id=occurrence.customer_id,
        occurrence_key=occurrence.key,
        occurrence_name=occurrence.name,
        triggered_at=occurrence.at,
        target=rule.action.target,
        fallback=tuple(c.value for c in rule.action.fallback),
        subject=render(template.subject, values),
        body=render(template.body, values),
        quiet_hours=rule.quiet_hours,
    )
