"""`/v1/analytics/rfm` and `/v1/analytics/pareto`: the population's RFM picture and one customer's
scores."""

from fastapi import APIRouter, Path
from pydantic import BaseModel

from services.analytics.entrypoints.http.dependencies import AnalysisDep, ScoresDep
from services.analytics.service_layer.analysis import RfmOverview
from shared.events.analytics import ScoredData
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/analytics", tags=["rfm"])


class RfmBoundaries(BaseModel):
    """The 20th, 40th, 60th and 80th percentiles of each measure over the population."""

    recency_days: list[float]
    frequency: list[float]
    monetary_minor: list[float]
    population: int


class RfmPublic(BaseModel):
    currency: str
    boundaries: RfmBoundaries | None
    cell_sizes: dict[str, int]
    published: int | None = None

    @classmethod
    def of(cls, o: RfmOverview) -> "RfmPublic":
        b = o.boundaries
        bounds = (
            RfmBoundaries(
                recency_days=list(b.recency),
                frequency=list(b.frequency),
                monetary_minor=list(b.monetary),
                population=b.population,
            )
            if b
            else None
        )
        return cls(currency=o.currency, boundaries=bounds, cell_sizes=o.cell_sizes)


class ParetoPublic(BaseModel):
    currency: str
    customers: int
    top_customers: int
    revenue_minor: int
    top_20_percent_share: float | None


@router.get("/rfm")
async def rfm_overview(analysis: AnalysisDep) -> RfmPublic:
    """The current boundaries and how many customers are in each cell."""
    return RfmPublic.of(await analysis.rfm_overview())


@router.post("/rfm/recompute")
async def recompute(analysis: AnalysisDep) -> RfmPublic:
    """Recompute the boundaries over the current population now, rescore everyone and publish
    the customers whose scores changed (`published`)."""
    overview = await analysis.recompute_rfm()
    return RfmPublic.of(overview).model_copy(update={"published": overview.published})


@router.get("/rfm/{customer_id}")
async def customer_scores(
    scores: ScoresDep, customer_id: str = Path(min_length=1, max_length=64)
) -> ScoredData:
    """The customer's last published scores (RFM and CLV)."""
    found = await scores.get(customer_id)
    if found is None:
        raise Problem(
            404,
            f"no scores for customer {customer_id!r} (no purchase yet, or not scored yet)",
            errors=[{"field": "customer_id", "reason": "not scored"}],
        )
    return found


@router.get("/pareto")
async def pareto(analysis: AnalysisDep) -> ParetoPublic:
    """Share of revenue from the top 20 % of customers by revenue."""
    p = await analysis.pareto()
    return ParetoPublic(
        currency=p.currency,
        customers=p.customers,
        top_customers=p.top_customers,
        revenue_minor=p.revenue_minor,
        top_20_percent_share=p.top_share,
    )
