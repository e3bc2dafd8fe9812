"""Aggregates as counters of named cells, e.g. `new|2026-03-01` or `active|2026-01|2026-03`.

A cell name is a valid document key on MongoDB and FerretDB alike (no `.`, no leading `$`):
free text such as a channel or campaign is escaped.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

Cells = Counter[str]
SEPARATOR = "|"
_ESCAPES = (("%", "%25"), ("|", "%7C"), (".", "%2E"), ("$", "%24"))


def escape(text: str) -> str:
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def unescape(text: str) -> str:
    for raw, escaped in reversed(_ESCAPES):
        text = text.replace(escaped, raw)
    return text


def cell(kind: str, *parts: str) -> str:
    return SEPARATOR.join((kind, *parts))


def split(name: str) -> list[str]:
    return name.split(SEPARATOR)


def day(at: datetime | date) -> str:
    """The UTC day of a time, `YYYY-MM-DD`."""
    if isinstance(at, datetime):
        at = at.astimezone(UTC).date()
    return at.isoformat()


def month(at: datetime | date) -> str:
    return day(at)[:7]


def difference(after: Cells, before: Cells) -> Cells:
    """after - before, keeping negative counts (a customer can leave a cell)."""
    delta = Counter(after)
    delta.subtract(before)
    return Counter({k: v for k, v in delta.items() if v})


def added(total: Mapping[str, int], delta: Mapping[str, int]) -> dict[str, int]:
    """total + delta, without the cells that fall to zero."""
    out = dict(total)
    for name, change in delta.items():
        value = out.get(name, 0) + change
        if value:
            out[name] = value
        else:
            out.pop(name, None)
    return out


def summed(parts: Iterable[Mapping[str, int]]) -> Cells:
    total: Cells = Counter()
    for part in parts:
        total.update(part)
    return total
