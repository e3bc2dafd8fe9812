"""In-memory fakes of the analytics service's ports."""

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from services.analytics.domain.history import PurchaseHistory
from services.analytics.domain.model import ClvModel
from services.analytics.domain.rfm import Boundaries
from services.analytics.service_layer.ports import SegmentNotReady, UnknownSegment
from shared.events.analytics import ScoredData
from shared.mongo import VersionConflict


class FakeHistoryStore:
    def __init__(self) -> None:
        self.docs: dict[str, PurchaseHistory] = {}

    async def load(self, customer_ids: Collection[str]) -> dict[str, PurchaseHistory]:
        return {c: self.docs[c] for c in customer_ids if c in self.docs}

    async def save(self, history: PurchaseHistory) -> None:
        stored = self.docs.get(history.customer_id)
        if (stored.version if stored else 0) != history.version:
            raise VersionConflict(history.customer_id, history.version)
        self.docs[history.customer_id] = replace(history, version=history.version + 1)

    async def all(self) -> dict[str, PurchaseHistory]:
        return dict(self.docs)


class FakeScoreStore:
    def __init__(self) -> None:
        self.docs: dict[str, ScoredData] = {}

    async def published(self, customer_ids: Collection[str] | None) -> dict[str, ScoredData]:
        ids = self.docs if customer_ids is None else customer_ids
        return {c: self.docs[c] for c in ids if c in self.docs}

    async def record(self, scores: Sequence[ScoredData]) -> None:
        self.docs.update({s.customer_id: s for s in scores})


class FakeModelStore:
    def __init__(self) -> None:
        self.bounds: dict[str, Boundaries] = {}
        self.models: dict[tuple[str, str | None], ClvModel] = {}

    async def boundaries(self, currency: str) -> Boundaries | None:
        return self.bounds.get(currency)

    async def save_boundaries(self, currency: str, boundaries: Boundaries) -> None:
        self.bounds[currency] = boundaries

    async def current_model(self, currency: str) -> ClvModel | None:
        return self.models.get((currency, None))

    async def latest_fit(self, currency: str, segment: str | None) -> ClvModel | None:
        return self.models.get((currency, segment))

    async def save_model(self, model: ClvModel) -> None:
        self.models[model.currency, model.segment] = model


class FakeSegments:
    """Segments by id with their members, as the projections API would list them."""

    def __init__(self, members: dict[str, frozenset[str]] | None = None) -> None:
        self.by_id = dict(members or {})
        self.not_ready: set[str] = set()

    async def members(self, segment_id: str) -> frozenset[str]:
        if segment_id not in self.by_id:
            raise UnknownSegment(segment_id)
        if segment_id in self.not_ready:
            raise SegmentNotReady(f"segment {segment_id!r} is still being back-filled")
        return self.by_id[segment_id]


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[ScoredData] = []

    async def publish(self, scores: Sequence[ScoredData]) -> None:
        self.sent.extend(scores)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


NOW = datetime(1998, 6, 30, 12, tzinfo=UTC)
