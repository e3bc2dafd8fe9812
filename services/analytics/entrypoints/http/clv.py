"""`/v1/analytics/clv/fit`: fit BG/NBD and Gamma-Gamma on the population or on a segment's
members now, and read the latest fit of either."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel, ConfigDict, Field

from services.analytics.adapters.segments import SegmentUnavailable
from services.analytics.domain.model import ClvModel, NotEnoughData
from services.analytics.entrypoints.http.dependencies import AnalysisDep
from services.analytics.service_layer.ports import SegmentNotReady, UnknownSegment
from shared.events.money import CurrencyCode
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/analytics/clv", tags=["clv"])
SEGMENT_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"  # as the projections service defines them


class FitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    segment: str | None = Field(
        default=None,
        pattern=SEGMENT_ID,
        description="a segment id (`/v1/segments` of the projections API): fit on its members "
        "only; null: the whole population",
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
    segment: str | None = Field(description="the segment fitted on; null: the population")
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
            segment=m.segment,
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
    """Fit on every customer who bought in `currency` by `calibration_end` — or, with `segment`,
    on the segment's members only — and keep the model as the latest fit of that segment. A
    population model becomes the one customers are scored with: they are rescored and their
    changed scores published after the answer (`c360.analytics.scored`), so a large population
    does not hold the call. A segment's model scores nobody; it is there to compare."""
    segment = request.segment
    try:
        model = await analysis.fit_clv(
            request.calibration_end, request.currency, request.time_unit, segment
        )
    except UnknownSegment:
        raise Problem(
            404, f"no segment {segment!r}", errors=[{"field": "segment", "reason": "unknown"}]
        ) from None
    except SegmentNotReady as exc:
        raise Problem(409, str(exc), errors=[{"field": "segment", "reason": str(exc)}]) from None
    except SegmentUnavailable as exc:
        raise Problem(
            503, f"segment members unavailable: {exc}", headers={"Retry-After": "5"}
        ) from None
    except NotEnoughData as exc:
        field = "calibration_end" if segment is None else "segment"
        reason = str(exc) if segment is None else f"segment {segment!r}: {exc}"
        raise Problem(422, reason, errors=[{"field": field, "reason": reason}]) from None
    if segment is None:
        after.add_task(analysis.rescore_all)
    return FitResult.of(model)


@router.get("/fit")
async def latest_fit(
    analysis: AnalysisDep,
    segment: Annotated[str | None, Query(pattern=SEGMENT_ID)] = None,
    currency: CurrencyCode = "USD",
) -> FitResult:
    """The latest fit on the population (no `segment`) or on `segment`, in `currency`."""
    model = await analysis.latest_fit(currency, segment)
    if model is None:
        on = "the population" if segment is None else f"segment {segment!r}"
        raise Problem(
            404,
            f"no CLV model fitted on {on} in {currency} yet",
            errors=[{"field": "segment" if segment else "currency", "reason": "not fitted"}],
        )
    return FitResult.of(model)
