"""A view read as of `now` reads the same until `next_change`: the near cache serves its
serialized answer that long, so every instant at which a rule flips must be among them."""

from datetime import datetime, timedelta

from services.projections.domain.classify import next_change
from services.projections.domain.compose import compose
from services.projections.domain.state import CustomerState
from services.projections.domain.view import Customer360, present
from shared.events import EventType
from tests.unit.projections import events as ev
from tests.unit.projections.fakes import Projection, records

DAY = 24 * 60
STEP = timedelta(hours=6)
TICK = timedelta(microseconds=1)


def story() -> tuple[str, CustomerState]:
    """Purchases, a survey and a low complaint (SLA 7 days) spread over a few months."""
    cid = ev.new_customer_id()
    events = [
        *(ev.purchase(cid, n * 20 * DAY) for n in range(5)),
        ev.interaction(EventType.SURVEY_RESPONSE, cid, 81 * DAY, csat=5),
        ev.interaction(
            EventType.COMPLAINT_OPENED,
            cid,
            82 * DAY,
            complaint_id="K1",
            subject="late",
            severity="low",
        ),
    ]
    projection = Projection()
    projection.deliver(records("interactions", events))
    return cid, compose([projection.states[cid]])


def read(state: CustomerState, cid: str, now: datetime) -> Customer360:
    return present(state, cid, [cid], now)


def test_a_view_reads_the_same_until_its_next_change() -> None:
    cid, state = story()
    now, end, changes = ev.T0, ev.T0 + timedelta(days=800), 0
    while now < end:
        until = next_change(state.kpis, state.complaints, now)
        expected, last = read(state, cid, now), min(until or end, end)
        sample = now
        while sample < last:
            assert read(state, cid, sample) == expected, (now, sample)
            sample += STEP
        assert read(state, cid, last) == expected
        if until is None:
            break
        now, changes = until + TICK, changes + 1
    # new (first purchase + 90 d), at risk and churned (last + 180, 365 d), the survey's window,
    # the complaint's SLA and its 30 and 90 day windows
    assert changes == 7


def test_an_sla_passing_is_a_change() -> None:
    cid, state = story()
    (complaint,) = state.complaints
    assert complaint.sla_due_at is not None
    before = complaint.sla_due_at - timedelta(hours=1)
    assert next_change(state.kpis, state.complaints, before) == complaint.sla_due_at
    assert not read(state, cid, complaint.sla_due_at).kpis.open_complaints[0].overdue
    assert read(state, cid, complaint.sla_due_at + TICK).kpis.open_complaints[0].overdue


def test_without_time_rules_a_view_never_ages() -> None:
    cid = ev.new_customer_id()
    projection = Projection()
    projection.deliver(records("contacts", [ev.created(cid, 0, "Sara")]))
    state = compose([projection.states[cid]])
    assert next_change(state.kpis, state.complaints, ev.T0) is None
