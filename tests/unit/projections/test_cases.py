"""Cases in the fold: owner, comments and status of a complaint. Any order of the same events,
and any event seen twice, gives the same case; a resolved or closed case leaves the open list."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.projections.domain import complaints
from services.projections.domain.fold import DEFAULT_SLA, forget_subjects
from services.projections.domain.state import Complaint, CustomerState
from services.projections.domain.view import view_kpis
from shared.events import EventType
from shared.events.interactions import InteractionEvent
from tests.unit.projections.events import T0, interaction

CID = "c_cases"
K = "K-1"


def case_event(kind: str, n: int, minute: int, variant: int) -> InteractionEvent:
    """Event `n` about complaint K: an assignment, a comment or a status change."""
    data: dict[str, Any] = {"complaint_id": K}
    match kind:
        case "assigned":
            event_type, data["owner"] = EventType.COMPLAINT_ASSIGNED, f"agent-{variant % 3}"
        case "commented":
            event_type, data["comment"] = EventType.COMPLAINT_COMMENTED, f"said {variant}"
            data["agent_id"] = f"agent-{variant % 2}"
        case "status":
            event_type = EventType.COMPLAINT_STATUS_CHANGED
            data["status"] = ["open", "in_progress", "waiting_customer", "resolved", "closed"][
                variant % 5
            ]
        case "updated":
            event_type, data["status"] = EventType.COMPLAINT_UPDATED, "in_progress"
        case _:
            event_type, data["resolution"] = EventType.COMPLAINT_RESOLVED, "refunded"
    event = interaction(event_type, CID, minute, **data)
    return event.model_copy(update={"id": f"e{n}"})  # type: ignore[return-value]


def opened(minute: int = 0) -> InteractionEvent:
    return interaction(  # type: ignore[return-value]
        EventType.COMPLAINT_OPENED, CID, minute, complaint_id=K, severity="high", subject="late"
    )


def fold(events: list[InteractionEvent]) -> tuple[Complaint, ...]:
    known: tuple[Complaint, ...] = ()
    for event in events:
        known = complaints.apply(known, event, DEFAULT_SLA)
    return known


KIND = st.sampled_from(["assigned", "commented", "status", "updated", "resolved"])
SPECS = st.lists(st.tuples(KIND, st.integers(1, 600), st.integers(0, 20)), max_size=8)


def events_of(spec: list[tuple[str, int, int]]) -> list[InteractionEvent]:
    return [case_event(kind, n, minute, v) for n, (kind, minute, v) in enumerate(spec)]


@settings(max_examples=150, deadline=None)
@given(SPECS, st.randoms(use_true_random=False))
def test_the_order_of_the_case_events_does_not_change_the_case(spec: Any, rnd: Any) -> None:
    events = events_of(spec)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert fold([opened(), *events]) == fold([opened(), *shuffled])


@settings(max_examples=150, deadline=None)
@given(SPECS, st.sets(st.integers(0, 7)))
def test_a_redelivered_case_event_has_one_effect(spec: Any, twice: set[int]) -> None:
    events = events_of(spec)
    again = [e for n, e in enumerate(events) for _ in range(2 if n in twice else 1)]
    assert fold([opened(), *events]) == fold([opened(), *again])


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def test_a_reassigned_case_belongs_to_the_last_owner_whatever_arrives_first() -> None:
    first = case_event("assigned", 1, 10, 1)
    second = case_event("assigned", 2, 20, 2)
    for order in itertools.permutations([first, second]):
        (case,) = fold([opened(), *order])
        assert case.owner == "agent-2"
        assert case.owner_mark is not None
        assert case.owner_mark.at == at(20)


def test_comments_are_kept_oldest_first_with_their_author() -> None:
    later, earlier = case_event("commented", 1, 30, 3), case_event("commented", 2, 5, 4)
    (case,) = fold([opened(), later, earlier])
    assert [(c.text, c.author, c.at) for c in case.comments] == [
        ("said 4", "agent-0", at(5)),
        ("said 3", "agent-1", at(30)),
    ]


def test_a_status_short_of_the_end_is_the_latest_one() -> None:
    waiting = case_event("status", 1, 40, 2)
    working = case_event("status", 2, 20, 1)
    (case,) = fold([opened(), waiting, working])
    assert case.status == "waiting_customer"
    assert complaints.is_open(case)


def test_a_resolved_then_closed_case_is_closed_and_leaves_the_open_list() -> None:
    resolved, closed = case_event("status", 1, 30, 3), case_event("status", 2, 60, 4)
    late_status = case_event("status", 3, 90, 1)
    known = fold([opened(), resolved, closed, late_status])
    (case,) = known
    assert (case.status, case.resolved_at, case.closed_at) == ("closed", at(30), at(60))
    state = CustomerState(customer_id=CID, complaints=known)
    assert view_kpis(state, datetime.now(UTC)).open_complaints == []


def test_the_view_shows_an_open_case_with_owner_comments_and_sla() -> None:
    known = fold([opened(), case_event("assigned", 1, 5, 2), case_event("commented", 2, 6, 1)])
    (shown,) = view_kpis(CustomerState(customer_id=CID, complaints=known), at(7)).open_complaints
    assert shown.owner == "agent-2"
    assert shown.assigned_at == at(5)
    assert [c.text for c in shown.comments] == ["said 1"]
    assert shown.sla_due_at == T0 + DEFAULT_SLA["high"]
    assert not shown.overdue


def test_erasure_forgets_the_words_of_earlier_comments_but_not_later_ones() -> None:
    known = fold([opened(), case_event("commented", 1, 5, 1), case_event("commented", 2, 50, 2)])
    (case,) = forget_subjects(known, at(10))
    assert [c.text for c in case.comments] == [None, "said 2"]
    assert case.subject is None


def test_merged_customers_see_one_case_with_every_comment_and_the_last_owner() -> None:
    (mine,) = fold([opened(), case_event("commented", 1, 5, 1), case_event("assigned", 2, 9, 1)])
    (theirs,) = fold([case_event("commented", 3, 7, 2), case_event("assigned", 4, 8, 2)])
    for a, b in ((mine, theirs), (theirs, mine)):
        case = complaints.combine(a, b)
        assert case.owner == "agent-1"
        assert [c.text for c in case.comments] == ["said 1", "said 2"]
        assert case.opened_at == T0
