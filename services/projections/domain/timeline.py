"""The timeline: every event of a customer, in day buckets read by `_id`, newest first.

A bucket is `<customer>|<YYYYMMDD>|<part>`: the events of one UTC day (a busy day spills into
more parts of `MAX_ENTRIES`). The customer's state lists the days and part sizes, so a page is a
handful of reads by `_id`, never a scan. Entries sort by `key` (UTC time, then event id), the
same order for one customer or for the members of a merge. An event is its `source` + `id`
(two adapters may use the same id), so both are in the key and in `find`.
"""

from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

from pydantic import BaseModel, ConfigDict

MAX_ENTRIES = 50  # small parts: FerretDB rewrites are much slower for large documents


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    id: str
    type: str
    time: datetime
    source: str
    pos: str
    summary: str
    data: str | None = None  # the event's `data` as JSON text (stored keys may not contain '.')


def by_key(entry: Entry) -> str:
    return entry.key


def in_utc(time: datetime) -> datetime:
    """`time` in UTC; a time at the very edge of the calendar (0001-01-01T00:00+14:00) has no
    UTC counterpart, so it is pinned to the first or last representable instant."""
    try:
        return time.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if time.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


def sort_key(time: datetime, event_id: str) -> str:
    """Fixed-width UTC time then id: string order is time order."""
    utc = in_utc(time)
    clock = f"T{utc.hour:02d}{utc.minute:02d}{utc.second:02d}.{utc.microsecond:06d}"
    return f"{_day(utc)}{clock}|{event_id}"


def entry_key(time: datetime, source: str, event_id: str) -> str:
    """An entry's key: its time order, then `source` + `id`, so two events that share an id
    (from two sources) and a time are still two entries with their own cursor."""
    return f"{sort_key(time, event_id)}|{source}"


def day_of(time: datetime) -> str:
    """`YYYYMMDD` in UTC, always eight digits (strftime's `%Y` drops a small year's zeros)."""
    return _day(in_utc(time))


def _day(utc: datetime) -> str:
    return f"{utc.year:04d}{utc.month:02d}{utc.day:02d}"


def bucket_id(customer_id: str, day: str, part: int) -> str:
    return f"{customer_id}|{day}|{part}"


def day_floor(day: str) -> str:
    """The smallest key of a day: a cursor that continues with the days before it."""
    return f"{day}T"


@dataclass
class Day:
    """The loaded parts of one customer-day, changed in memory and written back by the store."""

    customer_id: str
    day: str
    parts: list[list[Entry]]
    changed: set[int] = field(default_factory=set)

    def find(self, source: str, event_id: str) -> Entry | None:
        """The entry of the event `source` + `event_id`, if this day holds it."""
        entries = (e for part in self.parts for e in part)
        return next((e for e in entries if e.id == event_id and e.source == source), None)

    def add(self, entry: Entry) -> None:
        """Insert in time order. Parts are fixed-size chunks of the day from its oldest entry,
        so the layout depends only on the entries (a rebuild lays them out the same way) and
        appending the newest event rewrites only the last part."""
        ordered = [e for part in self.parts for e in reversed(part)]
        if all(a.key <= b.key for a, b in pairwise(ordered)):
            insort(ordered, entry, key=by_key)  # the layout as written: one insertion
        else:  # laid out otherwise (by hand, or by an older release): lay it out anew
            ordered = sorted((*ordered, entry), key=by_key)
        chunks = [ordered[n : n + MAX_ENTRIES] for n in range(0, len(ordered), MAX_ENTRIES)]
        parts = [chunk[::-1] for chunk in chunks]
        self.changed |= {
            n for n, part in enumerate(parts) if n >= len(self.parts) or self.parts[n] != part
        }
        self.parts = parts

    def scrub(self, until: datetime) -> None:
        """Erasure: of what happened up to `until`, keep what and when, drop what was said."""
        for n, part in enumerate(self.parts):
            if any(e.time <= until and (e.summary or e.data) for e in part):
                self.parts[n] = [scrubbed(e) if e.time <= until else e for e in part]
                self.changed.add(n)

    def sizes(self) -> list[int]:
        return [len(part) for part in self.parts]

    def ids(self) -> list[str]:
        return [bucket_id(self.customer_id, self.day, n) for n in range(len(self.parts))]


def scrubbed(entry: Entry) -> Entry:
    return entry.model_copy(update={"summary": "", "data": None})


def head_bucket(timeline: dict[str, list[int]]) -> tuple[str, int] | None:
    """The newest part of the newest day: kept inline in the customer's state document, because
    live events almost always land there, so a batch writes one document per customer."""
    if not timeline:
        return None
    day = max(timeline)
    return day, len(timeline[day]) - 1


def parts_to_load(sizes: list[int]) -> int:
    """Known parts, plus the next one when the last is full (a crash may have left it written
    before the state that counts it)."""
    if not sizes:
        return 1
    return len(sizes) + (1 if sizes[-1] >= MAX_ENTRIES else 0)


def page(
    entries: Iterable[Entry], before: str | None, limit: int, types: frozenset[str] | None
) -> list[Entry]:
    """Newest first, strictly older than the cursor key `before`, optionally of some types."""
    chosen = [
        e
        for e in entries
        if (before is None or e.key < before) and (types is None or e.type in types)
    ]
    return sorted(chosen, key=lambda e: e.key, reverse=True)[:limit]


def days_before(days: Iterable[str], before: str | None) -> list[str]:
    """Days that can hold keys older than the cursor, newest first."""
    limit_day = before[:8] if before else None
    return sorted({d for d in days if limit_day is None or d <= limit_day}, reverse=True)
