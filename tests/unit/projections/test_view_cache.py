"""The near cache keeps a view only when nothing newer is pending, and the log evicts it."""

import time

import orjson

from services.projections.adapters.views import Resolved
from services.projections.domain.state import CustomerState
from services.projections.service_layer.rendered import render
from services.projections.service_layer.view_cache import (
    MAX_LOAD_AGE_S,
    PRUNE_AFTER_S,
    Snapshot,
    ViewCache,
)
from tests.unit.projections import events as ev

GEN = "g1"
P0 = ("c360.interactions", 0)
C0 = ("c360.contacts", 0)


def resolved(requested: str, *members: str) -> Resolved:
    ids = members or (requested,)
    return Resolved(requested, [CustomerState(customer_id=m) for m in ids])


def snapshot(checkpoints: dict[tuple[str, int], int], age_s: float = 0.0) -> Snapshot:
    return Snapshot(checkpoints, time.monotonic() - age_s)


def following() -> ViewCache:
    cache = ViewCache(capacity=10)
    cache.follow(GEN)
    return cache


def test_a_kept_view_is_served_until_a_record_of_its_customer_arrives() -> None:
    cache = following()
    view = resolved("c1")
    cache.keep_view(GEN, view, snapshot({}))
    assert cache.view(GEN, "c1") is view
    cache.saw(P0, 5, {"c1"}, contact=False)
    assert cache.view(GEN, "c1") is None


def test_records_of_other_customers_leave_a_view_alone() -> None:
    cache = following()
    view = resolved("c1")
    cache.keep_view(GEN, view, snapshot({}))
    cache.saw(P0, 5, {"c2"}, contact=False)
    assert cache.view(GEN, "c1") is view


def test_a_load_that_may_predate_a_pending_record_is_not_kept() -> None:
    cache = following()
    cache.saw(P0, 7, {"c1"}, contact=False)
    cache.keep_view(GEN, resolved("c1"), snapshot({P0: 7}))  # offset 7 not folded yet
    assert cache.view(GEN, "c1") is None
    cache.keep_view(GEN, resolved("c1"), snapshot({P0: 8}))  # folded before the load began
    assert cache.view(GEN, "c1") is not None


def test_a_record_of_a_merged_member_evicts_the_survivors_view() -> None:
    cache = following()
    cache.keep_view(GEN, resolved("s1", "s1", "m1"), snapshot({}))
    cache.keep_view(GEN, resolved("m1", "s1", "m1"), snapshot({}))
    cache.saw(P0, 3, {"m1"}, contact=False)
    assert cache.view(GEN, "s1") is None
    assert cache.view(GEN, "m1") is None


def test_nothing_is_kept_before_following_or_for_another_generation() -> None:
    cache = ViewCache(capacity=10)
    cache.keep_view(GEN, resolved("c1"), snapshot({}))
    assert cache.view(GEN, "c1") is None
    cache.follow(GEN)
    cache.keep_view("g0", resolved("c1"), snapshot({}))
    assert cache.view(GEN, "c1") is None
    cache.keep_view(GEN, resolved("c1"), snapshot({}))
    assert cache.view("g2", "c1") is None
    cache.reset()
    assert cache.view(GEN, "c1") is None


def test_a_slow_load_is_not_kept() -> None:
    cache = following()
    cache.keep_view(GEN, resolved("c1"), snapshot({}, age_s=MAX_LOAD_AGE_S + 1))
    assert cache.view(GEN, "c1") is None


def test_the_least_recently_read_view_goes_first_when_full() -> None:
    cache = ViewCache(capacity=2)
    cache.follow(GEN)
    for customer in ("c1", "c2"):
        cache.keep_view(GEN, resolved(customer), snapshot({}))
    assert cache.view(GEN, "c1") is not None  # c2 is now the least recent
    cache.keep_view(GEN, resolved("c3"), snapshot({}))
    assert [cache.view(GEN, c) is not None for c in ("c1", "c2", "c3")] == [True, False, True]
    assert len(cache) == 2


def test_owners_are_cleared_by_any_contact_record_and_kept_only_once_it_is_folded() -> None:
    cache = following()
    cache.keep_owner(GEN, "phone:+1", "c1", snapshot({}))
    assert cache.owner(GEN, "phone:+1") == (True, "c1")
    cache.saw(C0, 4, {"c9"}, contact=True)
    assert cache.owner(GEN, "phone:+1") == (False, None)
    cache.keep_owner(GEN, "phone:+1", "c9", snapshot({C0: 4}))
    assert cache.owner(GEN, "phone:+1") == (False, None)
    cache.keep_owner(GEN, "phone:+1", "c9", snapshot({C0: 5}))
    assert cache.owner(GEN, "phone:+1") == (True, "c9")


def test_an_unknown_identifier_is_remembered_as_unknown() -> None:
    cache = following()
    cache.keep_owner(GEN, "email:x@example.com", None, snapshot({}))
    assert cache.owner(GEN, "email:x@example.com") == (True, None)


def test_has_seen_follows_the_feed() -> None:
    cache = following()
    assert not cache.has_seen(P0, 0)
    cache.saw(P0, 3, {"c1"}, contact=False)
    assert cache.has_seen(P0, 3)
    assert not cache.has_seen(P0, 4)
    assert ViewCache(capacity=10).has_seen(P0, 99)  # not following: nothing kept to be stale


def test_marks_folded_long_ago_are_forgotten_and_recent_ones_are_not() -> None:
    cache = following()
    cache.saw(P0, 7, {"old"}, contact=False)
    cache.saw(P0, 9, {"new"}, contact=False)
    cache.checkpoints_read(snapshot({P0: 8}, age_s=PRUNE_AFTER_S + 5))
    cache.checkpoints_read(snapshot({P0: 8}))
    # "old" (offset 7) was folded in more than PRUNE_AFTER_S ago: any load young enough to be
    # kept began after that, so its mark is no longer needed; "new" (offset 9) is still pending.
    cache.keep_view(GEN, resolved("old"), snapshot({}))
    cache.keep_view(GEN, resolved("new"), snapshot({P0: 8}))
    assert cache.view(GEN, "old") is not None
    assert cache.view(GEN, "new") is None


def test_the_feed_may_idle_only_while_the_checkpoints_cover_every_record_seen() -> None:
    cache = following()
    assert not cache.folded_all_seen()  # no checkpoints read yet
    cache.checkpoints_read(snapshot({}))
    assert cache.folded_all_seen()
    cache.saw(P0, 5, {"c1"}, contact=False)
    assert not cache.folded_all_seen()
    cache.checkpoints_read(snapshot({P0: 5}))
    assert not cache.folded_all_seen()  # offset 5 is the next to fold, not folded
    cache.checkpoints_read(snapshot({P0: 6}))
    assert cache.folded_all_seen()


def test_a_views_serialized_answer_lives_and_dies_with_the_view() -> None:
    cache = following()
    view = resolved("c1")
    cache.keep_view(GEN, view, snapshot({}))
    answer = render(view, ev.T0)
    cache.keep_rendered(GEN, view, answer)
    assert cache.rendered(GEN, "c1") is answer
    assert answer.fresh_until is None  # nothing in it ages by time alone
    assert answer.fresh_at(ev.T0)
    assert orjson.loads(answer.prepared.body)["customer_id"] == "c1"
    cache.saw(P0, 5, {"c1"}, contact=False)
    assert cache.rendered(GEN, "c1") is None


def test_an_answer_is_not_kept_for_a_view_that_was_not() -> None:
    cache = following()
    kept, other = resolved("c1"), resolved("c1")
    cache.keep_view(GEN, kept, snapshot({}))
    cache.keep_rendered(GEN, other, render(other, ev.T0))  # loaded again meanwhile: not the kept
    assert cache.rendered(GEN, "c1") is None
    cache.keep_rendered("g0", kept, render(kept, ev.T0))
    assert cache.rendered(GEN, "c1") is None
