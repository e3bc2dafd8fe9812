"""Pure rules of idempotency: what a copy does about an earlier claim; copies inside a batch."""

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.interactions.domain.acceptance import prepare, stamp
from services.interactions.domain.batch import MAX_BATCH_EVENTS, batch_items, group_copies
from services.interactions.domain.claims import (
    Claim,
    Receipt,
    Replay,
    Reused,
    TakeOver,
    Wait,
    decide,
)
from services.interactions.domain.intake import read_bytes, read_object
from services.interactions.domain.rejection import Rejected
from shared.events.interactions import InteractionEvent
from tests.unit.interactions.samples import every_interaction, note

T0 = datetime(2026, 3, 1, tzinfo=UTC)
TAKEOVER = timedelta(seconds=35)
prints = st.sampled_from(["p1", "p2", "p3"])
ages = st.floats(min_value=0, max_value=120)


def claim(fp: str, age_s: float = 0.0) -> Claim:
    return Claim("e1", fp, "owner", T0 - timedelta(seconds=age_s))


def receipt(fp: str) -> Receipt:
    return Receipt("e1", fp, "c1", "pos", T0)


@given(fp=prints, claimed=prints, age=ages)
def test_a_receipt_with_the_same_content_is_always_replayed(
    fp: str, claimed: str, age: float
) -> None:
    assert decide(fp, claim(claimed, age), receipt(fp), T0, TAKEOVER) == Replay(receipt(fp))


@given(fp=prints, other=prints, age=ages, with_receipt=st.booleans())
def test_different_content_under_a_known_id_is_always_refused(
    fp: str, other: str, age: float, with_receipt: bool
) -> None:
    if fp == other:
        return
    found = receipt(other) if with_receipt else None
    assert decide(fp, claim(other, age), found, T0, TAKEOVER) == Reused()


@given(age=ages)
def test_an_unanswered_claim_is_waited_for_until_stale_then_taken_over(age: float) -> None:
    decision = decide("p1", claim("p1", age), None, T0, TAKEOVER)
    expected = TakeOver(claim("p1", age)) if age >= TAKEOVER.total_seconds() else Wait()
    assert decision == expected


def test_a_released_claim_is_claimed_again() -> None:
    assert decide("p1", None, None, T0, TAKEOVER) == TakeOver(None)


ids = st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from(["x", "y"])), max_size=40)


@given(ids)
def test_batch_copies_cover_every_position_once_and_group_by_id(
    pairs: list[tuple[str, str]],
) -> None:
    groups = group_copies(pairs)
    seen = sorted(i for g in groups for i in (g.first, *g.same, *g.different))
    assert seen == list(range(len(pairs)))
    for g in groups:
        event_id, fp = pairs[g.first]
        assert all(pairs[i] == (event_id, fp) for i in g.same)
        assert all(pairs[i][0] == event_id and pairs[i][1] != fp for i in g.different)
        assert all(i > g.first for i in (*g.same, *g.different))
    assert len({pairs[g.first][0] for g in groups}) == len(groups)


@pytest.mark.parametrize(
    ("body", "kind"),
    [({"a": 1}, "not_an_array"), ([], "empty_batch"), ([{}] * (MAX_BATCH_EVENTS + 1), "too_large")],
)
def test_unusable_batches(body: Any, kind: str) -> None:
    with pytest.raises(Rejected) as caught:
        batch_items(body)
    assert caught.value.rejection.kind == kind


def test_fingerprint_ignores_json_spelling_but_not_content() -> None:
    raw = note()
    spelled = orjson.dumps(dict(reversed(list(raw.items()))))
    original = prepare(read_object(raw)).fingerprint
    assert prepare(read_bytes(spelled)).fingerprint == original
    changed = {**raw, "data": {**raw["data"], "text": "other"}}
    assert prepare(read_object(changed)).fingerprint != original


def test_stamp_names_the_customer_and_changes_nothing_else() -> None:
    for raw in every_interaction():
        event = read_object(raw)
        record = stamp(prepare(event), "c_42")
        assert (record.event_id, record.customer_id) == (event.id, "c_42")
        stamped = read_bytes(record.value)
        assert isinstance(stamped, InteractionEvent)
        assert isinstance(event, InteractionEvent)
        assert stamped.subject == "c_42"
        assert stamped.data.customer.customer_id == "c_42"
        assert stamped.data.customer.model_dump(exclude={"customer_id"}) == (
            event.data.customer.model_dump(exclude={"customer_id"})
        )
        assert stamped.model_dump(exclude={"subject", "data"}) == event.model_dump(
            exclude={"subject", "data"}
        )
        assert stamped.data.model_dump(exclude={"customer"}) == event.data.model_dump(
            exclude={"customer"}
        )
