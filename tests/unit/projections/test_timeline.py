"""Timeline buckets: a busy day spills into parts laid out by time alone; pages go by key."""

import random
from datetime import UTC, datetime, timedelta, timezone

from services.projections.domain.timeline import (
    MAX_ENTRIES,
    Day,
    Entry,
    day_floor,
    day_of,
    days_before,
    entry_key,
    page,
    sort_key,
)
from tests.unit.projections import events as ev
from tests.unit.projections.fakes import Projection, records


def test_a_busy_day_is_laid_out_the_same_whatever_the_arrival_order() -> None:
    cid = ev.new_customer_id()
    calls = [ev.call(cid, n / 10) for n in range(2 * MAX_ENTRIES + 50)]
    in_order = Projection()
    in_order.deliver(records("interactions", calls))
    shuffled = calls[:]
    random.Random(5).shuffle(shuffled)
    out_of_order = Projection()
    for n in range(0, len(shuffled), 37):  # small batches, times arriving in any order
        out_of_order.deliver(records("interactions", shuffled[n : n + 37], first=n))
    assert len(in_order.buckets) == 2  # the third, newest part is inline in the state
    assert [e.id for e in in_order.states[cid].head] == [
        e.id for e in out_of_order.states[cid].head
    ]
    assert {k: [e.id for e in v] for k, v in in_order.buckets.items()} == {
        k: [e.id for e in v] for k, v in out_of_order.buckets.items()
    }
    assert in_order.timeline_ids(cid) == [e.id for e in reversed(calls)]
    assert in_order.states[cid].timeline == {"20260301": [MAX_ENTRIES, MAX_ENTRIES, 50]}


def call_entry(minutes: int) -> Entry:
    time = ev.T0 + timedelta(minutes=minutes)
    event_id = f"call-{minutes}"
    return Entry(
        key=entry_key(time, "adapters/pbx", event_id),
        id=event_id,
        type="call",
        time=time,
        source="adapters/pbx",
        pos=f"interactions:0:{minutes}",
        summary="inbound call",
    )


def test_an_event_joining_a_day_rewrites_only_the_parts_from_its_place_on() -> None:
    calls = [call_entry(n) for n in range(0, 2 * (2 * MAX_ENTRIES + 10), 2)]  # 2 minutes apart
    day = Day("c_1", "20260301", [])
    for call in calls:
        day.add(call)
    day.changed.clear()
    day.add(call_entry(2 * MAX_ENTRIES + 1))  # in the second part: the first stays as it was
    assert day.changed == {1, 2}
    assert day.sizes() == [MAX_ENTRIES, MAX_ENTRIES, 11]
    newest_first = [e.id for part in reversed(day.parts) for e in part]
    assert newest_first == sorted(newest_first, key=lambda i: -int(i.split("-")[1]))


def test_a_day_laid_out_otherwise_is_laid_out_anew_when_an_event_joins_it() -> None:
    calls = [call_entry(n) for n in range(MAX_ENTRIES + 10)]
    day = Day("c_1", "20260301", [calls[:]])  # one oversized part, oldest first
    day.add(call_entry(MAX_ENTRIES + 10))
    assert day.parts == [
        calls[MAX_ENTRIES - 1 :: -1],
        [call_entry(MAX_ENTRIES + 10), *calls[: MAX_ENTRIES - 1 : -1]],
    ]
    assert day.changed == {0, 1}


def test_pages_are_newest_first_strictly_before_the_cursor_and_filtered() -> None:
    cid = ev.new_customer_id()
    story = [ev.call(cid, 1), ev.purchase(cid, 2), ev.call(cid, 3), ev.purchase(cid, 4)]
    projection = Projection()
    projection.deliver(records("interactions", story))
    entries = projection.entries(cid)
    first = page(entries, None, 3, None)
    assert [e.id for e in first] == [e.id for e in reversed(story)][:3]
    second = page(entries, first[-1].key, 3, None)
    assert [e.id for e in second] == [story[0].id]
    assert [e.type for e in page(entries, None, 10, frozenset({"purchase"}))] == ["purchase"] * 2
    assert days_before(["20260301", "20260228", "20260302"], day_floor("20260302")) == [
        "20260302",
        "20260301",
        "20260228",
    ]
    assert days_before(["20260301", "20260302"], "20260301T1") == ["20260301"]


def test_times_at_the_calendars_edges_keep_fixed_width_sortable_keys() -> None:
    dawn = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))  # no UTC counterpart
    year_one = datetime(1, 3, 1, tzinfo=UTC)
    assert day_of(dawn) == "00010101"
    assert day_of(year_one) == "00010301"
    assert sort_key(dawn, "a") < sort_key(year_one, "a") < sort_key(datetime.now(UTC), "a")


def test_the_timeline_tells_deliveries_as_the_customer_saw_them_and_leaves_failures_to_ops() -> (
    None
):
    cid = ev.new_customer_id()
    sent = ev.notification_sent(cid, 2)
    failed = ev.notification_failed(cid, 3)
    projection = Projection()
    projection.deliver(records("interactions", [ev.call(cid, 1)]))
    projection.deliver(records("notifications", [sent, failed]))
    entries = projection.entries(cid)
    assert [e.id for e in entries] == [sent.id, entries[-1].id]
    assert entries[0].summary == "SMS sent to +98912***67: complaint-ack"
    assert "failed" not in projection.states[cid].kpis.notifications
