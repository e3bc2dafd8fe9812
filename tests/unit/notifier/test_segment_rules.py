"""Rules that react to segment events, and conditions in the shared condition language."""

from datetime import datetime

import pytest

from services.notifier.adapters.rules_file import DEFAULT_RULES, parse_rules
from services.notifier.domain.customer import CustomerState
from services.notifier.domain.evaluation import evaluate
from services.notifier.domain.fold import advance
from services.notifier.domain.occurrence import from_event
from services.notifier.domain.rules_validation import RulesError
from shared.events import Event, EventType
from tests.factories import make_event
from tests.unit.notifier.builders import CUSTOMER, T0, purchase, reachable

SHIPPED = DEFAULT_RULES.read_text()
ENABLED = SHIPPED.replace("    enabled: false\n", "    enabled: true\n")


def membership(event_type: EventType, segment_id: str, at: datetime = T0) -> Event:
    data = {
        "segment_id": segment_id,
        "segment_name": segment_id.replace("-", " "),
        "customer_id": CUSTOMER,
        "cause": "interactions:0:7",
    }
    return make_event(event_type, data, time=at.isoformat(), subject=CUSTOMER)


def fired(rules_text: str, events: list[Event], state: CustomerState | None = None) -> list[str]:
    rules = parse_rules(rules_text, environ={})
    state = state or reachable()
    ids: list[str] = []
    for offset, e in enumerate(events):
        state = advance(state, e, "segments-0", offset)
        evaluation = evaluate(rules, from_event(e, CUSTOMER), state)
        state = evaluation.state
        ids += [d.rule_id for d in evaluation.decisions]
    return ids


def test_the_shipped_win_back_rule_is_off_until_enabled() -> None:
    entered = membership(EventType.SEGMENT_ENTERED, "valuable-at-risk")
    assert fired(SHIPPED, [entered]) == []
    assert fired(ENABLED, [entered]) == ["win-back-valuable-at-risk"]


def test_win_back_reacts_only_to_entering_its_own_segment() -> None:
    assert fired(ENABLED, [membership(EventType.SEGMENT_EXITED, "valuable-at-risk")]) == []
    assert fired(ENABLED, [membership(EventType.SEGMENT_ENTERED, "big-spenders")]) == []


def test_the_rendered_win_back_names_the_customer() -> None:
    rules = parse_rules(ENABLED, environ={})
    event = membership(EventType.SEGMENT_ENTERED, "valuable-at-risk")
    state = advance(reachable(), event, "segments-0", 0)
    (decision,) = evaluate(rules, from_event(event, CUSTOMER), state).decisions
    assert decision.subject == "We miss you, Sara"


def test_conditions_may_use_any_all_not_and_the_old_short_form_together() -> None:
    text = SHIPPED.replace(
        "        - {field: event.amount_minor, gte: 50000}\n"
        "        - {field: event.currency, in: [USD, EUR, GBP]}\n",
        "        - any:\n"
        "            - {field: event.amount_minor, op: gte, value: 50000}\n"
        "            - {field: customer.tags, op: contains, value: vip}\n"
        "        - not: {field: event.currency, op: in, value: [IRR]}\n"
        "        - {field: event.currency, not_in: [JPY]}\n",
    )
    contact = reachable().contact
    assert contact is not None
    vip = reachable(contact=contact.model_copy(update={"tags": ("vip",)}))
    assert "high-value-purchase" in fired(text, [purchase(100)], vip)
    assert "high-value-purchase" not in fired(text, [purchase(100)])
    assert "high-value-purchase" in fired(text, [purchase(90_000, "EUR")])
    assert "high-value-purchase" not in fired(text, [purchase(90_000, "IRR")], vip)
    assert "high-value-purchase" not in fired(text, [purchase(90_000, "JPY")], vip)


def test_a_segment_on_a_trigger_that_is_not_a_segment_event_is_refused() -> None:
    text = SHIPPED.replace(
        "      event: c360.interaction.complaint.opened\n    action: {template: complaint-ack",
        "      event: c360.interaction.complaint.opened\n      segment: vip\n"
        "    action: {template: complaint-ack",
    )
    with pytest.raises(RulesError) as caught:
        parse_rules(text, environ={})
    assert any("segment" in p.reason for p in caught.value.problems)
