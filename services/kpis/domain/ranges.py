"""Date ranges of KPI requests, and how their cells are picked and grouped in time."""

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from services.kpis.domain.cells import split

MAX_DAYS = 3_700  # ten years and change: bounds the work of one request
DAILY_UP_TO_DAYS = 62  # longer ranges are shown per month


class BadRange(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class DateRange:
    """Both days included, UTC."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date, end: date) -> "DateRange":
        if end < start:
            raise BadRange("to", f"{end} is before from={start}")
        if (end - start).days > MAX_DAYS:
            raise BadRange("to", f"a range spans at most {MAX_DAYS} days")
        return cls(start, end)

    def holds(self, day_or_month: str) -> bool:
        """A `YYYY-MM-DD` day inside the range, or a `YYYY-MM` month that overlaps it."""
        if len(day_or_month) == 7:
            return self.start.isoformat()[:7] <= day_or_month <= self.end.isoformat()[:7]
        return self.start.isoformat() <= day_or_month <= self.end.isoformat()

    @property
    def granularity(self) -> str:
        return "day" if (self.end - self.start).days < DAILY_UP_TO_DAYS else "month"

    def periods(self) -> list[str]:
        """Every day or month of the range, in order."""
        days = (self.start + timedelta(n) for n in range((self.end - self.start).days + 1))
        labels = [d.isoformat() if self.granularity == "day" else d.isoformat()[:7] for d in days]
        return list(dict.fromkeys(labels))

    def period_of(self, day: str) -> str:
        return day if self.granularity == "day" else day[:7]


def picked(
    cells: Mapping[str, int], kind: str, window: DateRange
) -> Iterator[tuple[list[str], int]]:
    """(the parts after the time, value) of every `kind|<time>|...` cell inside the window."""
    for name, value in cells.items():
        parts = split(name)
        if parts[0] == kind and window.holds(parts[1]):
            yield parts[1:], value


def total(cells: Mapping[str, int], kind: str, window: DateRange) -> int:
    return sum(value for _, value in picked(cells, kind, window))


def per_period(cells: Mapping[str, int], kind: str, window: DateRange) -> Counter[str]:
    series: Counter[str] = Counter()
    for parts, value in picked(cells, kind, window):
        series[window.period_of(parts[0])] += value
    return series


def ratio(part: int | float, whole: int | float) -> float | None:
    return None if not whole else round(part / whole, 4)
