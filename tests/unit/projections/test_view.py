"""The 360 view: KPIs, complaints, merges composed at read time, satisfaction and lifecycle."""

from datetime import timedelta
from typing import Any

import pytest

from services.projections.domain.classify import Lifecycle, Satisfaction
from services.projections.domain.compose import compose
from services.projections.domain.view import Customer360, present
from shared.events import Event, EventType
from tests.unit.projections import events as ev
from tests.unit.projections.fakes import Projection, records

DAY = 24 * 60


def fold(*events_by_topic: tuple[str, list[Event]]) -> Projection:
    projection = Projection()
    for topic, events in events_by_topic:
        projection.deliver(records(topic, events))
    return projection


def view_of(projection: Projection, *ids: str, days_later: float = 0) -> Customer360:
    members = [projection.states[i] for i in ids]
    now = ev.T0 + timedelta(days=days_later)
    return present(compose(members), ids[0], list(ids), now)


def complaint(cid: str, minute: float, kind: EventType, **data: Any) -> Event:
    return ev.interaction(kind, cid, minute, complaint_id="K1", **data)


def test_kpis_count_money_per_currency_and_surveys() -> None:
    cid = ev.new_customer_id()
    events = [
        ev.purchase(cid, 1, 1000, "USD"),
        ev.purchase(cid, 2, 2001, "USD"),
        ev.purchase(cid, 3, 500, "EUR"),
        ev.interaction(EventType.REFUND, cid, 4, order_id="A", amount_minor=300, currency="USD"),
        ev.call(cid, 5),
        ev.interaction(EventType.SURVEY_RESPONSE, cid, 6, csat=4, nps=9),
        ev.interaction(EventType.SURVEY_RESPONSE, cid, 7, csat=2),
    ]
    view = view_of(fold(("interactions", events)), cid)
    k = view.kpis
    assert (k.purchase_count, k.total_spent) == (3, {"USD": 3001, "EUR": 500})
    assert k.average_order_value == {"USD": 1501, "EUR": 500}
    assert k.refund_total == {"USD": 300}
    assert k.first_purchase_at == ev.T0 + timedelta(minutes=1)
    assert k.last_purchase_at == ev.T0 + timedelta(minutes=3)
    assert k.last_contact_at == ev.T0 + timedelta(minutes=7)
    assert (k.csat_average, k.nps_last) == (3.0, 9)
    assert k.by_channel == {"phone": 1}
    assert k.by_type["survey_response"] == 2
    assert [r.type for r in view.recent_interactions][:2] == ["survey.response", "survey.response"]


def test_a_complaint_is_open_until_resolved_and_has_an_sla() -> None:
    cid = ev.new_customer_id()
    opened = complaint(cid, 0, EventType.COMPLAINT_OPENED, severity="medium", subject="late")
    updated = complaint(cid, 5, EventType.COMPLAINT_UPDATED, status="escalated", severity="high")
    projection = fold(("interactions", [opened, updated]))
    (k1,) = view_of(projection, cid).kpis.open_complaints
    assert (k1.status, k1.severity) == ("escalated", "high")
    assert k1.sla_due_at == ev.T0 + timedelta(hours=72)
    assert view_of(projection, cid).satisfaction is Satisfaction.ANGRY
    resolved = complaint(cid, 9, EventType.COMPLAINT_RESOLVED, resolution="refunded")
    projection.deliver(records("interactions", [resolved], first=2))
    assert view_of(projection, cid).kpis.open_complaints == []
    assert view_of(projection, cid).kpis.complaints_total == 1


@pytest.mark.parametrize(
    ("scores", "days_later", "expected"),
    [
        ({"csat": 5}, 100, Satisfaction.DELIGHTED),
        ({"nps": 10}, 1, Satisfaction.DELIGHTED),
        ({"csat": 4}, 1, Satisfaction.SATISFIED),
        ({"nps": 7}, 1, Satisfaction.SATISFIED),
        ({"csat": 3}, 1, Satisfaction.NEUTRAL),
        ({"csat": 5}, 400, Satisfaction.NEUTRAL),  # too old to count
        ({"csat": 2}, 1, Satisfaction.DISSATISFIED),
        ({"nps": 5}, 1, Satisfaction.DISSATISFIED),
        ({"csat": 1}, 1, Satisfaction.ANGRY),
        ({"nps": 2}, 1, Satisfaction.ANGRY),
    ],
)
def test_satisfaction_follows_the_latest_recent_survey(
    scores: dict[str, int], days_later: int, expected: Satisfaction
) -> None:
    cid = ev.new_customer_id()
    survey = ev.interaction(EventType.SURVEY_RESPONSE, cid, 0, **scores)
    assert (
        view_of(fold(("interactions", [survey])), cid, days_later=days_later).satisfaction
        is expected
    )


def test_a_recent_complaint_tempers_a_top_score() -> None:
    cid = ev.new_customer_id()
    events = [
        complaint(cid, 0, EventType.COMPLAINT_OPENED, severity="low", subject="x"),
        complaint(cid, 1, EventType.COMPLAINT_RESOLVED, resolution="fixed"),
        ev.interaction(EventType.SURVEY_RESPONSE, cid, 2, csat=5),
    ]
    projection = fold(("interactions", events))
    assert view_of(projection, cid, days_later=10).satisfaction is Satisfaction.DISSATISFIED
    assert view_of(projection, cid, days_later=60).satisfaction is Satisfaction.SATISFIED
    assert view_of(projection, cid, days_later=120).satisfaction is Satisfaction.DELIGHTED


@pytest.mark.parametrize(
    ("purchase_days", "days_later", "expected"),
    [
        ([], 0, Lifecycle.LEAD),
        ([0], 10, Lifecycle.NEW),
        ([0, 50], 120, Lifecycle.ACTIVE),
        ([0, 1, 2, 3, 4], 10, Lifecycle.LOYAL),
        ([0], 200, Lifecycle.AT_RISK),
        ([0, 1, 2, 3, 4], 200, Lifecycle.AT_RISK),
        ([0], 400, Lifecycle.CHURNED),
    ],
)
def test_lifecycle_stage(purchase_days: list[int], days_later: int, expected: Lifecycle) -> None:
    cid = ev.new_customer_id()
    events = [ev.call(cid, 0)] + [ev.purchase(cid, d * DAY) for d in purchase_days]
    last = max(purchase_days, default=0)
    assert (
        view_of(fold(("interactions", events)), cid, days_later=last + days_later).lifecycle_stage
        is expected
    )


def test_a_merge_composes_both_customers_and_an_unmerge_separates_them() -> None:
    survivor, other = ev.new_customer_id(), ev.new_customer_id()
    projection = fold(
        ("contacts", [ev.created(survivor, 0, "Sara", phones=["+989121111111"])]),
        ("contacts", [ev.created(other, 0, "S. Ahmadi", emails=["s@example.com"])]),
        ("interactions", [ev.purchase(survivor, 1, 1000), ev.call(survivor, 2)]),
        (
            "interactions",
            [
                ev.purchase(other, 3, 500),
                complaint(other, 4, EventType.COMPLAINT_OPENED, severity="low", subject="x"),
            ],
        ),
    )
    projection.deliver(records("contacts", [ev.merged(survivor, other, 5)], first=1))
    assert projection.states[survivor].merged_from == (other,)
    view = view_of(projection, survivor, other)
    assert view.kpis.total_spent == {"USD": 1500}
    assert view.kpis.interaction_count == 4
    assert view.profile.name == "Sara"
    assert view.profile.emails == ("s@example.com",)
    assert view.merged_from == [other]
    # The complaint opened on the merged customer is resolved by an agent on the survivor.
    done = complaint(survivor, 6, EventType.COMPLAINT_RESOLVED, resolution="ok")
    projection.deliver(records("interactions", [done], first=2))
    assert view_of(projection, survivor, other).kpis.open_complaints == []
    projection.deliver(records("contacts", [ev.unmerged(survivor, other, 7)], first=2))
    assert projection.states[survivor].merged_from == ()
    assert view_of(projection, survivor).kpis.total_spent == {"USD": 1000}
    assert view_of(projection, other).kpis.total_spent == {"USD": 500}


def test_erasure_forgets_personal_data_but_keeps_counts() -> None:
    cid = ev.new_customer_id()
    projection = fold(
        ("contacts", [ev.created(cid, 0, phones=["+989121111111"])]),
        ("interactions", [ev.purchase(cid, 1), ev.call(cid, 2)]),
    )
    erased = ev.make_event(
        EventType.CONTACT_ERASED,
        {"customer_id": cid, "reason": "request"},
        subject=cid,
        time=ev.at(3),
    )
    projection.deliver(records("contacts", [erased], first=1))
    view = view_of(projection, cid)
    assert view.erased
    assert (view.profile.name, view.profile.phones) == (None, ())
    assert view.recent_interactions == []
    assert view.kpis.purchase_count == 1
    entries = projection.entries(cid)
    assert entries
    assert all(e.summary == "" and e.data is None for e in entries)


def test_the_view_states_each_currencys_iso_4217_exponent() -> None:
    cid = ev.new_customer_id()
    events = [
        ev.purchase(cid, 1, 4_500_000, "IRR"),
        ev.purchase(cid, 2, 1250, "JPY"),
        ev.interaction(EventType.REFUND, cid, 3, order_id="A", amount_minor=1500, currency="KWD"),
    ]
    view = view_of(fold(("interactions", events)), cid)
    # IRR has two decimals in ISO 4217 (browsers' CLDR data says none): the API says so
    assert view.currency_exponents == {"IRR": 2, "JPY": 0, "KWD": 3}
