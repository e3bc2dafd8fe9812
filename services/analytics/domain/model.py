"""A fitted CLV model: BG/NBD + Gamma-Gamma on one currency, calibration end and time unit."""

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from services.analytics.domain import bgnbd, gamma_gamma
from services.analytics.domain.summary import PurchaseDays, compress, summarise


class NotEnoughData(ValueError):
    """Too few customers (or repeat customers) to fit the models."""


@dataclass(frozen=True)
class ClvModel:
    currency: str
    time_unit: str
    calibration_end: date
    bgnbd: bgnbd.BgNbd
    gamma_gamma: gamma_gamma.GammaGamma
    customers: int
    repeat_customers: int
    segment: str | None = None  # None: fitted on the whole population

    @property
    def model_id(self) -> str:
        """Names the parameters, not the moment: a refit to the same values has the same id."""
        params = asdict(self.bgnbd) | {f"gg_{k}": v for k, v in asdict(self.gamma_gamma).items()}
        text = ",".join(f"{k}={v:.6g}" for k, v in sorted(params.items()))
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        fitted_on = f"{self.segment}-" if self.segment else ""
        return f"clv-{self.currency}-{fitted_on}{self.calibration_end.isoformat()}-{digest}"


MIN_REPEAT_CUSTOMERS = 3


def fit_population(
    histories: Sequence[PurchaseDays],
    calibration_end: date,
    time_unit: str,
    currency: str,
    segment: str | None = None,
) -> ClvModel:
    """Fit both models on the customers who bought on or before `calibration_end` (the
    histories given: the whole population, or the members of `segment`)."""
    s = summarise(histories, calibration_end, time_unit, currency)
    repeat = s.repeat
    if int(repeat.sum()) < MIN_REPEAT_CUSTOMERS:
        raise NotEnoughData(
            f"{int(repeat.sum())} customers bought more than once in {currency} by "
            f"{calibration_end}; at least {MIN_REPEAT_CUSTOMERS} are needed"
        )
    frequency_model = bgnbd.fit(compress(s))
    spend_model = gamma_gamma.fit(s.frequency[repeat], s.monetary[repeat])
    return ClvModel(
        currency,
        time_unit,
        calibration_end,
        frequency_model,
        spend_model,
        customers=len(s),
        repeat_customers=int(repeat.sum()),
        segment=segment,
    )
