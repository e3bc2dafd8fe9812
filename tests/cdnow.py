"""The vendored CDNOW sample (tests/data/cdnow/PROVENANCE.md), read as purchases in minor units."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

SAMPLE = Path(__file__).parent / "data" / "cdnow" / "CDNOW_sample.txt"
CALIBRATION_END = date(1997, 9, 30)
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}
REPEAT_CUSTOMERS = 946
CUSTOMERS = 2357


@dataclass(frozen=True)
class Purchase:
    line: int
    customer: str
    day: date
    amount_minor: int  # dollars with cents in the file


def purchases() -> list[Purchase]:
    rows = []
    for number, line in enumerate(SAMPLE.read_text().splitlines(), start=1):
        _, customer, day, _, dollars = line.split()
        cents = round(float(dollars) * 100)
        rows.append(Purchase(number, customer, datetime.strptime(day, "%Y%m%d").date(), cents))
    return rows


def purchase_days() -> dict[str, dict[date, int]]:
    """Per customer: day -> amount in cents, same-day purchases added up."""
    days: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for p in purchases():
        days[p.customer][p.day] += p.amount_minor
    return days


def within_one_percent(fitted: float, published: float) -> bool:
    return abs(fitted - published) <= 0.01 * abs(published)
