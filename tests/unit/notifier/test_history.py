"""History notifies nobody: imported events and events older than a rule's `max_age`."""

from datetime import datetime, timedelta

from services.notifier.adapters.rules_file import parse_rules
from services.notifier.domain.evaluation import evaluate
from services.notifier.domain.fold import advance
from services.notifier.domain.occurrence import from_event
from services.notifier.domain.rules import RulesFile
from shared.events import Event, EventType
from shared.events.history import IMPORT_MARKER
from tests.factories import make_event
from tests.unit.notifier.builders import CUSTOMER, T0, default_rules, purchase, reachable

RULES = default_rules()


def fired(event: Event, now: datetime = T0, rules: RulesFile = RULES) -> list[str]:
    state = advance(reachable(), event, "interactions-0", 0)
    evaluation = evaluate(rules, from_event(event, CUSTOMER), state, now)
    return [d.rule_id for d in evaluation.decisions]


def imported_purchase(at: datetime = T0) -> Event:
    data = {
        "customer": {"customer_id": CUSTOMER},
        "order_id": "A-1",
        "amount_minor": 2933,
        "currency": "USD",
    }
    return make_event(
        EventType.PURCHASE,
        data,
        time=at.isoformat(),
        **{IMPORT_MARKER: "6fae10155c0b0ba3"},
    )


def test_a_live_first_purchase_is_welcomed() -> None:
    assert fired(purchase(at=T0), now=T0 + timedelta(minutes=1)) == ["welcome-first-purchase"]


def test_an_imported_purchase_notifies_nobody_even_when_recent() -> None:
    assert fired(imported_purchase(at=T0), now=T0 + timedelta(minutes=1)) == []


def test_an_event_older_than_the_default_window_notifies_nobody() -> None:
    old = purchase(at=T0 - timedelta(days=8))
    assert fired(old, now=T0) == []
    assert fired(purchase(at=T0 - timedelta(days=6)), now=T0) == ["welcome-first-purchase"]


def test_a_rule_sets_its_own_window_or_none() -> None:
    text = (
        'version: 1\nteams:\n  ops: {webhook: "http://127.0.0.1:9/ops"}\n'
        "templates:\n  hi: {body: hi}\nrules:\n"
        "  - id: any-age\n    when: {event: c360.interaction.purchase}\n"
        '    action: {template: hi, target: "team:ops"}\n    max_age: null\n'
        "  - id: fresh\n    when: {event: c360.interaction.purchase}\n"
        '    action: {template: hi, target: "team:ops"}\n    max_age: 1h\n'
    )
    rules = parse_rules(text, environ={})
    two_hours_late = purchase(at=T0 - timedelta(hours=2))
    assert fired(two_hours_late, now=T0, rules=rules) == ["any-age"]
    assert fired(purchase(at=T0), now=T0, rules=rules) == ["any-age", "fresh"]
    assert fired(imported_purchase(at=T0), now=T0, rules=rules) == []
