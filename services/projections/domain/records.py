"""Folding a customer's records from the log, exactly once, however often they are delivered.

Two guards, both kept in the customer's own documents:
- positions: per topic and partition, the last offset folded into the state; a redelivered
  record at or below it is skipped;
- event ids: the timeline bucket of the event's day holds its `source` + `id` (what identifies
  a CloudEvent) and the position it came from; the same pair from another record (a producer's
  retry at ingestion) is a duplicate and is skipped, the same id from another source is another
  event. The same pair from the *same* position means the bucket was written and the state was
  not (a crash between the two writes): the event is folded into the state again, not skipped.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from services.projections.domain.effects import Effect
from services.projections.domain.fold import apply_event
from services.projections.domain.state import CustomerState
from services.projections.domain.summaries import summary
from services.projections.domain.timeline import (
    Day,
    Entry,
    day_of,
    entry_key,
    head_bucket,
    parts_to_load,
)
from shared.events import Event
from shared.events.contacts import ContactErased
from shared.events.notifications import NotificationFailed


@dataclass(frozen=True)
class SourceRecord:
    """An event and where it sits in the log (`topic` is the catalog name without prefix)."""

    topic: str
    partition: int
    offset: int
    event: Event
    data_json: str | None = None
    logged_at_ms: int = 0  # the Kafka record's timestamp: when the log accepted it

    @property
    def pos(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


@dataclass
class Folded:
    state: CustomerState
    effects: list[Effect] = field(default_factory=list)
    applied: int = 0
    duplicates: int = 0
    redelivered: int = 0

    @property
    def changed(self) -> bool:
        return self.applied > 0 or self.duplicates > 0


def pending(state: CustomerState, records: Sequence[SourceRecord]) -> list[SourceRecord]:
    """The records the state has not folded in yet."""
    return [r for r in records if r.offset > state.applied(r.topic, r.partition)]


def days_to_load(state: CustomerState, records: Sequence[SourceRecord]) -> dict[str, int]:
    """Day -> number of bucket parts to read before folding `records` (every day for an
    erasure, which scrubs the whole timeline)."""
    todo = pending(state, records)
    days = {day_of(r.event.time) for r in todo}
    if any(isinstance(r.event, ContactErased) for r in todo):
        days |= set(state.timeline)
    return {day: parts_to_load(state.timeline.get(day, [])) for day in sorted(days)}


def stored_parts(state: CustomerState, parts: dict[str, int]) -> list[tuple[str, int]]:
    """The (day, part) of `parts` that are read from their own documents: those of the days the
    state's timeline holds, but the head part, which is inline in the state.

    A day the state does not hold has no stored part but what an attempt that crashed before
    its state write left there. It is not read: this fold's parts overwrite it, holding the
    records up to this fold's positions, and the state says the later ones are still to fold,
    so they are added again when they come."""
    head = head_bucket(state.timeline)
    return [
        (day, n)
        for day, count in parts.items()
        if day in state.timeline
        for n in range(count)
        if (day, n) != head
    ]


def assemble_days(
    state: CustomerState, parts: dict[str, int], stored: Mapping[tuple[str, int], list[Entry]]
) -> dict[str, Day]:
    """The loaded days: `parts[day]` parts each (a missing or empty one is left out), the head
    part taken from the state, the others from `stored`."""
    head = head_bucket(state.timeline)
    days: dict[str, Day] = {}
    for day, count in parts.items():
        for n in range(count):
            loaded = days.setdefault(day, Day(state.customer_id, day, []))
            entries = list(state.head) if (day, n) == head else stored.get((day, n), [])
            if entries:
                loaded.parts.append(entries)
    return days


def entry_for(record: SourceRecord, scrubbed: bool) -> Entry:
    event = record.event
    return Entry(
        key=entry_key(event.time, event.source, event.id),
        id=event.id,
        type=event.type.short_name,
        time=event.time,
        source=event.source,
        pos=record.pos,
        summary="" if scrubbed else summary(event),
        data=None if scrubbed else record.data_json,
    )


def for_ops_only(event: Event) -> bool:
    """A delivery that failed is not part of the customer's story (they received nothing): it
    goes to ops (`c360.notifications.failed`, the notifier's metrics), not to the agent."""
    return isinstance(event, NotificationFailed)


def fold_records(
    state: CustomerState, days: dict[str, Day], records: Sequence[SourceRecord]
) -> Folded:
    """Fold `records` (in log order) into `state` and the loaded `days`, changed in place."""
    out = Folded(state)
    positions = {topic: dict(offsets) for topic, offsets in state.positions.items()}
    for record in pending(state, records):
        # seen (folded or a duplicate): the positions are written with the state, all at once
        positions.setdefault(record.topic, {})[f"p{record.partition}"] = record.offset
        event = record.event
        if for_ops_only(event):
            continue
        day = days[day_of(event.time)]
        seen = day.find(event.source, event.id)
        if seen is not None and seen.pos != record.pos:
            out.duplicates += 1
            continue
        out.state, effects = apply_event(out.state, event)
        out.effects += effects
        out.applied += 1
        if seen is not None:
            out.redelivered += 1
        else:
            erased_at = out.state.erased_at
            day.add(entry_for(record, erased_at is not None and event.time <= erased_at))
        if isinstance(event, ContactErased):
            for loaded in days.values():
                loaded.scrub(until=event.time)
    timeline = {**out.state.timeline, **{d: day.sizes() for d, day in days.items() if day.parts}}
    head = head_bucket(timeline)
    inline = state.head
    if head is not None and head[0] in days:
        inline = tuple(days[head[0]].parts[head[1]])
    out.state = out.state.model_copy(
        update={"positions": positions, "timeline": timeline, "head": inline}
    )
    return out


def bucket_writes(
    before: CustomerState, after: CustomerState, days: dict[str, Day]
) -> dict[tuple[str, int], list[Entry]]:
    """The bucket documents to write for a fold from `before` to `after`: every changed part
    except the inline head, and the old head when a newer part took its place."""
    head = head_bucket(after.timeline)
    writes = {
        (day.day, n): day.parts[n]
        for day in days.values()
        for n in day.changed
        if (day.day, n) != head
    }
    old = head_bucket(before.timeline)
    if old is not None and old != head and old not in writes:
        writes[old] = list(before.head)
    return writes
