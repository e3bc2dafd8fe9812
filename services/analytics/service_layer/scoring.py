"""Scoring customers and publishing the ones whose scores changed.

The last published scores are kept per customer; a customer is published again only when the
digest of their scores differs, and the event id is derived from the scores, so a crash between
publishing and recording only leads to a republish with the same id.
"""

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from services.analytics.domain.clv import Assumptions
from services.analytics.domain.history import PurchaseHistory, resolve_merges
from services.analytics.domain.scoring import clv_of, rfm_of
from services.analytics.service_layer.ports import (
    HistoryStore,
    ModelStore,
    ScorePublisher,
    ScoreStore,
)
from shared.events.analytics import ScoredData, scores_hash

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScoringSettings:
    currency: str = "USD"  # RFM monetary and the CLV model in this currency
    assumptions: Assumptions = field(default_factory=Assumptions)


class Scorer:
    def __init__(
        self,
        histories: HistoryStore,
        scores: ScoreStore,
        models: ModelStore,
        publisher: ScorePublisher,
        clock: Clock,
        settings: ScoringSettings,
    ) -> None:
        self.histories = histories
        self.scores = scores
        self.models = models
        self.publisher = publisher
        self.clock = clock
        self.settings = settings
        # a batch and a population-wide rescoring never interleave their publish-and-record
        self.lock = asyncio.Lock()

    async def rescore(self, customer_ids: Collection[str] | None = None) -> int:
        """Score `customer_ids` (everyone when None); returns how many changed (and were
        published)."""
        async with self.lock:
            if customer_ids is None:
                stored = await self.histories.all()
            else:
                stored = await self._with_absorbed(customer_ids)
            population = resolve_merges(stored)
            # absorbed and erased customers among them lose the scores they had
            considered = set(stored) | set(customer_ids or ())
            previous = await self.scores.published(None if customer_ids is None else considered)
            scored = await self._score(population)
            gone = [
                self._empty(cid)
                for cid in (considered | set(previous)) - set(population)
                if cid in previous and _has_scores(previous[cid])
            ]
            changed = [s for s in [*scored, *gone] if _changed(s, previous.get(s.customer_id))]
            if changed:
                await self.publisher.publish(changed)
                await self.scores.record(changed)
            return len(changed)

    async def _with_absorbed(self, customer_ids: Collection[str]) -> dict[str, PurchaseHistory]:
        stored = await self.histories.load(customer_ids)
        absorbed = {a for h in stored.values() for a in h.absorbed} - set(stored)
        return stored | (await self.histories.load(absorbed) if absorbed else {})

    async def _score(self, population: dict[str, PurchaseHistory]) -> list[ScoredData]:
        now = self.clock()
        today = now.date()
        currency = self.settings.currency
        boundaries = await self.models.boundaries(currency)
        model = await self.models.current_model(currency)
        histories = list(population.values())
        clv = clv_of(histories, model, today, self.settings.assumptions)
        model_id = model.model_id if model else None
        return [
            ScoredData(
                customer_id=h.customer_id,
                rfm=rfm_of(h, boundaries, currency, today),
                clv=clv[i],
                model_id=model_id if clv[i] is not None else None,
                scored_at=now,
            )
            for i, h in enumerate(histories)
        ]

    def _empty(self, customer_id: str) -> ScoredData:
        return ScoredData(customer_id=customer_id, scored_at=self.clock())


def _has_scores(s: ScoredData) -> bool:
    return s.rfm is not None or s.clv is not None


def _changed(scores: ScoredData, previous: ScoredData | None) -> bool:
    if previous is None:
        return _has_scores(scores)  # nothing to say yet: no event
    return _digest(scores) != _digest(previous)


def _digest(s: ScoredData) -> str:
    return f"{s.model_id}:{scores_hash(s.rfm, s.clv)}"
