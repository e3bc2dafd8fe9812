"""From purchase days to the (x, t_x, T, m_x) summaries the CLV models are fitted on.

Following the CDNOW convention of Fader, Hardie & Lee: a customer's purchases on one day count as
one transaction (amounts added up); x = distinct purchase days - 1; t_x = last minus first
purchase day; T = calibration end minus first purchase day; m_x = mean of the repeat days'
amounts (the first day excluded), in major units of the currency.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from services.analytics.domain.money import to_major

Floats = NDArray[np.float64]
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0}
PurchaseDays = Mapping[date, int]  # day -> amount in minor units


@dataclass(frozen=True)
class Summaries:
    """Per-customer arrays; `weight` counts how many customers share a row (1 unless compressed)."""

    frequency: Floats
    recency: Floats
    age: Floats
    monetary: Floats
    weight: Floats

    def __len__(self) -> int:
        return len(self.frequency)

    @property
    def repeat(self) -> NDArray[np.bool_]:
        return self.frequency > 0


def summarise(
    histories: Iterable[PurchaseDays], as_of: date, time_unit: str, currency: str
) -> Summaries:
    """One row per history with at least one purchase day on or before `as_of`, in input order."""
    unit = DAYS_PER_UNIT[time_unit]
    rows: list[tuple[float, float, float, float]] = []
    for days in histories:
        seen = sorted(d for d in days if d <= as_of)
        if not seen:
            continue
        first, last = seen[0], seen[-1]
        repeat_amounts = [days[d] for d in seen[1:]]
        mean_spend = to_major(sum(repeat_amounts), currency) / len(seen[1:]) if seen[1:] else 0.0
        rows.append(
            (len(seen) - 1, (last - first).days / unit, (as_of - first).days / unit, mean_spend)
        )
    table = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return Summaries(table[:, 0], table[:, 1], table[:, 2], table[:, 3], np.ones(len(table)))


def compress(s: Summaries) -> Summaries:
    """Identical (x, t_x, T) rows merged into one with a weight: the BG/NBD likelihood depends on
    nothing else, and shop data repeats these triples a lot, so the fit touches far fewer rows."""
    triples = np.column_stack([s.frequency, s.recency, s.age])
    unique, counts = np.unique(triples, axis=0, return_counts=True)
    zeros = np.zeros(len(unique))
    return Summaries(unique[:, 0], unique[:, 1], unique[:, 2], zeros, counts.astype(np.float64))
