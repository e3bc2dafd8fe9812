"""Population-wide work: RFM boundaries, the Pareto figure and CLV fits, each followed by a
rescoring that publishes the customers whose scores changed."""

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date

from services.analytics.domain import rfm
from services.analytics.domain.history import resolve_merges
from services.analytics.domain.model import ClvModel, fit_population
from services.analytics.service_layer.ports import (
    HistoryStore,
    ModelStore,
    ScoreStore,
    SegmentDirectory,
)
from services.analytics.service_layer.scoring import Scorer


@dataclass(frozen=True)
class RfmOverview:
    currency: str
    boundaries: rfm.Boundaries | None
    cell_sizes: dict[str, int]
    published: int = 0


@dataclass(frozen=True)
class Pareto:
    currency: str
    customers: int
    top_customers: int
    revenue_minor: int
    top_share: float | None


class Analysis:
    def __init__(
        self,
        histories: HistoryStore,
        scores: ScoreStore,
        models: ModelStore,
        scorer: Scorer,
        segments: SegmentDirectory,
    ) -> None:
        self.histories = histories
        self.scores = scores
        self.models = models
        self.scorer = scorer
        self.segments = segments
        self.currency = scorer.settings.currency

    async def recompute_rfm(self) -> RfmOverview:
        today = self.scorer.clock().date()
        population = resolve_merges(await self.histories.all())
        measured = [
            rfm.measures(h.purchase_days(self.currency), today) for h in population.values()
        ]
        bounds = rfm.boundaries([m for m in measured if m is not None])
        await self.models.save_boundaries(self.currency, bounds)
        published = await self.scorer.rescore()
        overview = await self.rfm_overview()
        return RfmOverview(overview.currency, bounds, overview.cell_sizes, published)

    async def rfm_overview(self) -> RfmOverview:
        scores = await self.scores.published(None)
        sizes = Counter(s.rfm.cell.value for s in scores.values() if s.rfm is not None)
        return RfmOverview(self.currency, await self.models.boundaries(self.currency), dict(sizes))

    async def pareto(self) -> Pareto:
        population = resolve_merges(await self.histories.all())
        days = [h.purchase_days(self.currency) for h in population.values()]
        revenues = [sum(d.values()) for d in days if d]
        top = max(1, -(-len(revenues) // 5)) if revenues else 0
        return Pareto(self.currency, len(revenues), top, sum(revenues), rfm.pareto_share(revenues))

    async def fit_clv(
        self, calibration_end: date, currency: str, time_unit: str, segment: str | None = None
    ) -> ClvModel:
        """Fit on the whole population, or on the members of `segment` (CPU work off the event
        loop), and keep the model as the latest fit of its segment and currency. Only a
        population model scores customers; `rescore_all` then publishes the new scores."""
        members = None if segment is None else await self.segments.members(segment)
        population = resolve_merges(await self.histories.all())
        days = [
            h.purchase_days(currency)
            for cid, h in population.items()
            if members is None or cid in members
        ]
        model = await asyncio.to_thread(
            fit_population, days, calibration_end, time_unit, currency, segment
        )
        await self.models.save_model(model)
        return model

    async def latest_fit(self, currency: str, segment: str | None) -> ClvModel | None:
        return await self.models.latest_fit(currency, segment)

    async def rescore_all(self) -> int:
        """Score everyone against the current boundaries and model; publish what changed."""
        return await self.scorer.rescore()
