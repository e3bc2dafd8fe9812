"""`POST /v1/analytics/clv/fit`: fit BG/NBD and Gamma-Gamma on the population now."""

from datetime import date
from typing import Literal

from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field

from services.analytics.domain.model import ClvModel, NotEnoughData
from services.analytics.entrypoints.http.dependencies import AnalysisDep
from shared.events.money import CurrencyCode
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/analytics/clv", tags=["clv"])


class FitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    segment: str | None = Field(
        default=None, description="segment id; only null (the whole population) for now"
    )
    calibration_end: date = Field(examples=["1997-09-30"])
    currency: CurrencyCode = "USD"
    time_unit: Literal["week", "day"] = "week"


class BgNbdPublic(BaseModel):
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


class GammaGammaPublic(BaseModel):
    p: float
    q: float
    gamma: float


class FitResult(BaseModel):
    model_id: str
    bgnbd: BgNbdPublic
    gamma_gamma: GammaGammaPublic
    customers: int
    repeat_customers: int
    calibration_end: date
    currency: str
    time_unit: str

    @classmethod
    def of(cls, m: ClvModel) -> "FitResult":
        f, s = m.bgnbd, m.gamma_gamma
        return cls(
            model_id=m.model_id,
            bgnbd=BgNbdPublic(r=f.r, alpha=f.alpha, a=f.a, b=f.b, log_likelihood=f.log_likelihood),
            gamma_gamma=GammaGammaPublic(p=s.p, q=s.q, gamma=s.gamma),
            customers=m.customers,
            repeat_customers=m.repeat_customers,
            calibration_end=m.calibration_end,
            currency=m.currency,
            time_unit=m.time_unit,
        )


@router.post("/fit")
async def fit(request: FitRequest, analysis: AnalysisDep, after: BackgroundTasks) -> FitResult:
    """Fit on every customer who bought in `currency` by `calibration_end`; the model becomes
    the current one for its currency. Customers are rescored and their changed scores published
    after the answer (`c360.analytics.scored`), so a large population does not hold the call."""
    if request.segment is not None:
        raise Problem(
            422,
            "fitting on a segment is not available yet; send null to fit on the population",
            errors=[{"field": "segment", "reason": "must be null until segments are served"}],
        )
    try:
        model = await analysis.fit_clv(request.calibration_end, request.currency, request.time_unit)
    except NotEnoughData as exc:
        raise Problem(
            422, str(exc), errors=[{"field": "calibration_end", "reason": str(exc)}]
        ) from None
    after.add_task(analysis.rescore_all)
    return FitResult.of(model)
