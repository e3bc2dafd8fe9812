"""Each default rule fires for its trigger, and not otherwise (pure evaluation)."""

from datetime import date, timedelta

from services.notifier.domain.customer import CustomerState
from services.notifier.domain.evaluation import evaluate, notification_id
from services.notifier.domain.fold import advance
from services.notifier.domain.occurrence import from_birthday, from_event, from_sla_timer
from services.notifier.domain.schedule import sla_timers
from shared.events import Event
from tests.unit.notifier.builders import (
    CUSTOMER,
    T0,
    call,
    complaint,
    default_rules,
    purchase,
    reachable,
    survey,
)

RULES = default_rules()


def run(events: list[Event], state: CustomerState | None = None) -> list[list[str]]:
    """The rule ids fired by each event, in order, folding as the worker does."""
    state = state or reachable()
    fired = []
    for offset, e in enumerate(events):
        state = advance(state, e, "interactions-0", offset)
        evaluation = evaluate(RULES, from_event(e, CUSTOMER), state)
        state = evaluation.state
        fired.append([d.rule_id for d in evaluation.decisions])
    return fired


def test_a_new_complaint_is_acknowledged_and_only_a_serious_one_alerts_the_team() -> None:
    assert run([complaint("low")]) == [["complaint-ack"]]
    assert run([complaint("high")]) == [["complaint-ack", "complaint-high-severity"]]
    assert run([complaint("critical")]) == [["complaint-ack", "complaint-high-severity"]]


def test_first_purchase_is_welcomed_once_and_only_big_ones_are_thanked() -> None:
    assert run([purchase(2933), purchase(2933)]) == [["welcome-first-purchase"], []]
    fired = run([purchase(1000), purchase(50_000), purchase(49_999)])
    assert fired == [["welcome-first-purchase"], ["high-value-purchase"], []]


def test_a_high_value_purchase_in_another_currency_is_not_compared_with_usd() -> None:
    assert run([purchase(1000), purchase(90_000_000, "IRR")]) == [["welcome-first-purchase"], []]


def test_thank_you_is_throttled_per_customer_per_day_in_trigger_time() -> None:
    first, again, next_day = T0, T0 + timedelta(hours=3), T0 + timedelta(days=1, minutes=1)
    fired = run(
        [
            purchase(1),
            purchase(60_000, at=first),
            purchase(60_000, at=again),
            purchase(60_000, at=next_day),
        ]
    )
    assert fired[1:] == [["high-value-purchase"], [], ["high-value-purchase"]]


def test_an_angry_survey_flags_the_customer_and_a_happy_one_does_not() -> None:
    assert run([survey(csat=1)]) == [["angry-customer"]]
    assert run([survey(nps=2)]) == [["angry-customer"]]
    assert run([survey(csat=2)]) == [[]]
    assert run([survey(nps=9)]) == [[]]


def test_other_events_fire_nothing() -> None:
    assert run([call(), call()]) == [[], []]


def test_the_sla_escalation_fires_on_its_timer_only_while_the_complaint_is_open() -> None:
    state = advance(reachable(), complaint("medium", sla_in=timedelta(hours=2)), "i-0", 0)
    [timer] = sla_timers(RULES, CUSTOMER, state.open_complaints[0])
    assert timer.due_at == T0 + timedelta(hours=2) - timedelta(minutes=15)
    occurrence = from_sla_timer(
        timer.id, timer.rule_id or "", CUSTOMER, state.open_complaints[0], timer.due_at
    )
    decisions = evaluate(RULES, occurrence, state).decisions
    assert [d.rule_id for d in decisions] == ["complaint-sla-escalation"]
    assert decisions[0].target == "team:support"
    assert "K-1" in decisions[0].subject


def test_without_an_sla_on_the_event_the_rule_default_for_the_severity_applies() -> None:
    state = advance(reachable(), complaint("critical"), "i-0", 0)
    [timer] = sla_timers(RULES, CUSTOMER, state.open_complaints[0])
    assert timer.due_at == T0 + timedelta(hours=4) - timedelta(minutes=15)


def test_a_birthday_is_greeted_once_a_year() -> None:
    state = reachable()
    occurrence = from_birthday(CUSTOMER, date(1990, 3, 10), date(2025, 3, 10), T0)
    first = evaluate(RULES, occurrence, state)
    assert [d.rule_id for d in first.decisions] == ["birthday-greeting"]
    again = evaluate(RULES, occurrence, first.state)
    assert again.decisions == []
    assert again.throttled == ["birthday-greeting"]


def test_an_erased_customer_is_never_notified() -> None:
    erased = reachable().model_copy(
        update={"contact": reachable().contact.model_copy(update={"erased": True})}  # type: ignore[union-attr]
    )
    assert run([complaint("high"), purchase()], erased) == [[], []]


def test_notification_ids_are_deterministic_and_distinct_per_rule_and_trigger() -> None:
    e = complaint("high")
    ids_once = [
        d.notification_id
        for d in evaluate(
            RULES, from_event(e, CUSTOMER), advance(reachable(), e, "i-0", 0)
        ).decisions
    ]
    ids_again = [
        d.notification_id
        for d in evaluate(
            RULES, from_event(e, CUSTOMER), advance(reachable(), e, "i-0", 0)
        ).decisions
    ]
    assert ids_once == ids_again
    assert len(set(ids_once)) == 2
    assert ids_once[0] == notification_id("complaint-ack", e.id, e.source)


def test_templates_are_rendered_with_event_and_customer_values() -> None:
    state = advance(reachable(), purchase(1000), "i-0", 0)
    big = purchase(123_456)
    state = advance(state, big, "i-0", 1)
    [decision] = evaluate(RULES, from_event(big, CUSTOMER), state).decisions
    order = big.data.order_id  # type: ignore[union-attr]
    assert decision.body == f"Dear Sara, thank you for your order {order} of 1234.56 USD."
