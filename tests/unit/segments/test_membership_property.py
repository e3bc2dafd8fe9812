"""Property (hypothesis): after any stream of view changes, the membership the projector kept
(state, membership documents, and the entered/exited events in order) equals a from-scratch
evaluation of the final view, whatever the rules."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.projections.domain.compose import compose
from services.projections.domain.fold import apply_event
from services.projections.domain.segments import Catalog, Segment, matching
from services.projections.domain.state import CustomerState
from services.projections.domain.view import segment_document
from services.projections.service_layer.segmenting import SegmentTracker
from shared.conditions import parse_condition
from shared.events import Event, EventType
from tests.unit.projections import events as ev
from tests.unit.segments.fakes import FixedCatalog, MembershipSet, PublishedEvents, StateDict

CID = "c_segments"
T0 = datetime(2026, 3, 1, tzinfo=UTC)

leaves = st.one_of(
    st.builds(
        lambda op, n: {"field": "kpis.total_spent.USD", "op": op, "value": n},
        st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]),
        st.integers(0, 20_000),
    ),
    st.builds(
        lambda op, n: {"field": "kpis.purchase_count", "op": op, "value": n},
        st.sampled_from(["gte", "lt"]),
        st.integers(0, 6),
    ),
    st.builds(
        lambda values: {"field": "satisfaction", "op": "in", "value": values},
        st.lists(st.sampled_from(["angry", "neutral", "satisfied", "delighted"]), max_size=3),
    ),
    st.builds(
        lambda present: {"field": "kpis.csat_average", "op": "exists", "value": present},
        st.booleans(),
    ),
    st.builds(
        lambda tag: (
            {"field": "kpis.by_type", "op": "exists", "value": True}
            if tag
            else {
                "field": "lifecycle_stage",
                "op": "eq",
                "value": "active",
            }
        ),
        st.booleans(),
    ),
)
rules = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=6,
)
changes = st.lists(
    st.tuples(st.sampled_from(["purchase", "refund", "call", "csat"]), st.integers(1, 9000)),
    min_size=1,
    max_size=25,
)


def event_for(kind: str, n: int, minute: int) -> Event:
    if kind == "purchase":
        return ev.purchase(CID, minute, n)
    if kind == "refund":
        return ev.interaction(
            EventType.REFUND, CID, minute, order_id="A-1", amount_minor=n, currency="USD"
        )
    if kind == "csat":
        return ev.interaction(EventType.SURVEY_RESPONSE, CID, minute, csat=1 + n % 5)
    return ev.call(CID, minute)


def catalog_of(raw_rules: list[dict[str, Any]]) -> Catalog:
    return Catalog.of(
        Segment(id=f"s{i}", name=f"S{i}", rule=parse_condition(r), created_at=T0)
        for i, r in enumerate(raw_rules)
    )


@settings(max_examples=80, deadline=None)
@given(raw_rules=st.lists(rules, min_size=1, max_size=4), stream=changes)
def test_membership_after_any_stream_equals_a_fresh_evaluation(
    raw_rules: list[dict[str, Any]], stream: list[tuple[str, int]]
) -> None:
    catalog = catalog_of(raw_rules)
    published, members = PublishedEvents(), MembershipSet()
    tracker = SegmentTracker(FixedCatalog(catalog), published, members, StateDict())
    state = CustomerState(customer_id=CID)
    for minute, (kind, n) in enumerate(stream):
        state, _ = apply_event(state, event_for(kind, n, minute))
        state = asyncio.run(tracker.settle(state, f"interactions:0:{minute}"))

    fresh = matching(catalog, segment_document(compose([state]), [CID]))
    assert set(state.segments) == fresh
    assert members.members == {(s, CID) for s in fresh}
    replayed: set[str] = set()
    for event in published.events:
        segment = event.data.segment_id
        entering = event.type is EventType.SEGMENT_ENTERED
        assert (segment in replayed) != entering, "an enter follows an exit and vice versa"
        replayed = replayed | {segment} if entering else replayed - {segment}
    assert replayed == fresh
    assert len({e.id for e in published.events}) == len(published.events)
