"""RFM: recency, frequency and monetary scores 1-5 against the population, and the named cells.

Boundaries are the population's quintiles (20th, 40th, 60th and 80th percentiles) of each
measure: recency = days since the last purchase day, frequency = distinct purchase days,
monetary = net spend in minor units. A value above k of the four boundaries scores k + 1 (for
recency, fewer days is better, so the score is 5 - k). Ties at a boundary take the lower score.

Cells follow the widely used R x FM grid (Putler's 11-segment map), with FM the mean of F and M
rounded half up; every one of the 25 (R, FM) pairs belongs to exactly one cell (docs/analytics.md).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from shared.events.analytics import RfmCell, RfmScores

QUANTILES = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class Measures:
    recency_days: int
    frequency: int
    monetary_minor: int


@dataclass(frozen=True)
class Boundaries:
    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]
    population: int


def measures(purchase_days: dict[date, int], today: date) -> Measures | None:
    if not purchase_days:
        return None
    last = max(purchase_days)
    return Measures((today - last).days, len(purchase_days), sum(purchase_days.values()))


def boundaries(population: Sequence[Measures]) -> Boundaries:
    def cuts(values: list[int]) -> tuple[float, ...]:
        if not values:
            return (0.0,) * len(QUANTILES)
        return tuple(float(v) for v in np.quantile(values, QUANTILES))

    return Boundaries(
        cuts([m.recency_days for m in population]),
        cuts([m.frequency for m in population]),
        cuts([m.monetary_minor for m in population]),
        len(population),
    )


def _above(value: float, cuts: tuple[float, ...]) -> int:
    return sum(1 for cut in cuts if value > cut)


def score(m: Measures, b: Boundaries) -> RfmScores:
    recency = 5 - _above(m.recency_days, b.recency)
    frequency = 1 + _above(m.frequency, b.frequency)
    monetary = 1 + _above(m.monetary_minor, b.monetary)
    return RfmScores(
        recency=recency,
        frequency=frequency,
        monetary=monetary,
        cell=cell(recency, math.floor((frequency + monetary) / 2 + 0.5)),
    )


# (recency scores, FM scores) -> cell; read top to bottom, the grid in docs/analytics.md.
GRID: tuple[tuple[range, range, RfmCell], ...] = (
    (range(5, 6), range(4, 6), RfmCell.CHAMPIONS),
    (range(3, 5), range(4, 6), RfmCell.LOYAL),
    (range(4, 6), range(2, 4), RfmCell.POTENTIAL_LOYALIST),
    (range(5, 6), range(1, 2), RfmCell.NEW),
    (range(4, 5), range(1, 2), RfmCell.PROMISING),
    (range(3, 4), range(3, 4), RfmCell.NEED_ATTENTION),
    (range(3, 4), range(1, 3), RfmCell.ABOUT_TO_SLEEP),
    (range(1, 3), range(3, 5), RfmCell.AT_RISK),
    (range(1, 3), range(5, 6), RfmCell.CANNOT_LOSE),
    (range(2, 3), range(1, 3), RfmCell.HIBERNATING),
    (range(1, 2), range(1, 3), RfmCell.LOST),
)


def cell(recency: int, fm: int) -> RfmCell:
    for r_range, fm_range, name in GRID:
        if recency in r_range and fm in fm_range:
            return name
    raise ValueError(f"scores out of range: R={recency}, FM={fm}")


def pareto_share(revenues: Sequence[int], top: float = 0.2) -> float | None:
    """Share of total revenue from the top `top` fraction of customers (by their revenue);
    the customer count is rounded up so a small population still has a top."""
    if not revenues or sum(revenues) <= 0:
        return None
    ranked = sorted(revenues, reverse=True)
    count = max(1, math.ceil(len(ranked) * top))
    return sum(ranked[:count]) / sum(ranked)
