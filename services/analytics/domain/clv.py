"""Per-customer predictions from a fitted BG/NBD + Gamma-Gamma pair.

12-month CLV (the assumption, also in docs/analytics.md): the expected purchases of each of the
next 12 months (differences of the BG/NBD E[Y(t)]) times the Gamma-Gamma expected spend, times
the gross margin, each month discounted at the monthly equivalent of the annual discount rate:
CLV = Σ_{m=1..12} margin · E[M] · (E[Y(t_m)] − E[Y(t_{m−1})]) / (1 + d)^(m/12).
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from services.analytics.domain import bgnbd, gamma_gamma
from services.analytics.domain.summary import DAYS_PER_UNIT, Summaries

Floats = NDArray[np.float64]
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Assumptions:
    annual_discount_rate: float = 0.10
    margin: float = 1.0  # 1.0 = revenue CLV; set the shop's gross margin for profit CLV
    horizon_days: int = 90  # for `expected_purchases`


@dataclass(frozen=True)
class Predictions:
    p_alive: Floats
    expected_purchases: Floats
    clv_12m_major: Floats


def predict(
    frequency_model: bgnbd.BgNbd,
    spend_model: gamma_gamma.GammaGamma,
    s: Summaries,
    time_unit: str,
    assumptions: Assumptions,
) -> Predictions:
    unit_days = DAYS_PER_UNIT[time_unit]
    horizon = assumptions.horizon_days / unit_days
    spend = gamma_gamma.expected_spend(
        spend_model, s.frequency, s.monetary, gamma_gamma.population_mean_spend(spend_model)
    )
    month = DAYS_PER_YEAR / 12 / unit_days
    cumulative = [np.zeros(len(s))] + [
        bgnbd.expected_purchases(frequency_model, s, month * m) for m in range(1, 13)
    ]
    value = np.zeros(len(s))
    for m in range(1, 13):
        discount = (1 + assumptions.annual_discount_rate) ** (m / 12)
        value += (cumulative[m] - cumulative[m - 1]) / discount
    return Predictions(
        p_alive=bgnbd.probability_alive(frequency_model, s),
        expected_purchases=bgnbd.expected_purchases(frequency_model, s, horizon),
        clv_12m_major=np.nan_to_num(value * spend * assumptions.margin, nan=0.0),
    )
