"""The notifier's fold: redelivery changes nothing, replay gives the same state (properties)."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.domain.customer import CustomerState, Satisfaction, satisfaction_of
from services.notifier.domain.evaluation import evaluate
from services.notifier.domain.fold import advance, is_new
from services.notifier.domain.occurrence import from_event
from shared.events import Event
from tests.unit.notifier.builders import (
    CUSTOMER,
    T0,
    call,
    complaint,
    default_rules,
    purchase,
    reachable,
    resolved,
    survey,
)

RULES = default_rules()


def _events() -> st.SearchStrategy[list[Event]]:
    one = st.one_of(
        st.builds(lambda m: purchase(m * 1000, at=T0 + timedelta(minutes=m)), st.integers(0, 100)),
        st.builds(
            lambda s, k: complaint(s, cid=f"K-{k}"),
            st.sampled_from(["low", "high"]),
            st.integers(0, 3),
        ),
        st.builds(lambda k: resolved(f"K-{k}"), st.integers(0, 3)),
        st.builds(lambda c: survey(csat=c), st.integers(1, 5)),
        st.just(call()),
    )
    return st.lists(one, max_size=12)


def consume(state: CustomerState, log: list[Event], upto: int) -> tuple[CustomerState, list[str]]:
    """What the worker does for records [0, upto): guard, fold, evaluate."""
    sent = []
    for offset, e in enumerate(log[:upto]):
        if not is_new(state, e, "interactions-0", offset):
            continue
        state = advance(state, e, "interactions-0", offset)
        evaluation = evaluate(RULES, from_event(e, CUSTOMER), state)
        state = evaluation.state
        sent += [d.notification_id for d in evaluation.decisions]
    return state, sent


@settings(max_examples=60, deadline=None)
@given(_events(), st.data())
def test_redelivering_a_prefix_changes_nothing_and_notifies_nothing_new(
    log: list[Event], data: st.DataObject
) -> None:
    crash_at = data.draw(st.integers(0, len(log)))
    state, first = consume(reachable(), log, crash_at)
    state, second = consume(state, log, len(log))  # the uncommitted tail comes again, from 0
    straight, once = consume(reachable(), log, len(log))
    assert state == straight
    assert first + second == once
    assert len(set(once)) == len(once)


@settings(max_examples=40, deadline=None)
@given(_events())
def test_replaying_the_log_gives_the_same_state_and_the_same_notification_ids(
    log: list[Event],
) -> None:
    assert consume(reachable(), log, len(log)) == consume(reachable(), log, len(log))


def test_a_duplicate_event_id_at_a_new_offset_is_ignored() -> None:
    e = purchase()
    state = advance(reachable(), e, "interactions-0", 0)
    assert not is_new(state, e, "interactions-0", 5)
    assert state.purchase_count == 1


@settings(max_examples=40, deadline=None)
@given(_events())
def test_the_same_id_from_two_sources_is_two_events_and_a_resend_is_none(
    log: list[Event],
) -> None:
    """Two adapters sharing ids: each event folds and notifies once per source, and a copy of
    any of them (the same `source` + `id` at a later offset) changes nothing."""
    other = [e.model_copy(update={"source": "adapters/other"}) for e in log]
    both, sent = consume(reachable(), [*log, *other], 2 * len(log))
    resent = consume(reachable(), [*log, *other, *other, *log], 4 * len(log))
    alone, once = consume(reachable(), log, len(log))
    assert both.purchase_count == 2 * alone.purchase_count
    assert set(once) <= set(sent)
    assert len(set(sent)) == len(sent)
    assert resent == (both, sent)


def test_an_id_remembered_without_its_source_by_an_older_version_still_counts() -> None:
    e = purchase()
    legacy = reachable().model_copy(update={"recent_event_ids": (e.id,)})
    assert not is_new(legacy, e, "interactions-0", 5)


def test_complaints_are_counted_in_a_window_and_resolved_ones_close() -> None:
    state = reachable()
    for i, e in enumerate(
        [
            complaint(cid="K-1"),
            complaint(cid="K-2", at=T0 + timedelta(days=40)),
            resolved("K-1", at=T0 + timedelta(days=41)),
        ]
    ):
        state = advance(state, e, "interactions-0", i)
    assert state.complaints_total == 2
    assert state.complaints_since(T0 + timedelta(days=11)) == 1
    assert [c.complaint_id for c in state.open_complaints] == ["K-2"]


def test_satisfaction_bands() -> None:
    assert [satisfaction_of(c, None) for c in range(1, 6)] == [
        Satisfaction.ANGRY,
        Satisfaction.UNHAPPY,
        Satisfaction.NEUTRAL,
        Satisfaction.HAPPY,
        Satisfaction.HAPPY,
    ]
    assert satisfaction_of(None, 3) is Satisfaction.ANGRY
    assert satisfaction_of(None, 8) is Satisfaction.NEUTRAL
    assert satisfaction_of(None, None) is Satisfaction.UNKNOWN
