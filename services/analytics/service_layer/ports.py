"""What the analytics service layer needs from the outside world."""

from collections.abc import Collection, Sequence
from typing import Protocol

from services.analytics.domain.history import PurchaseHistory
from services.analytics.domain.model import ClvModel
from services.analytics.domain.rfm import Boundaries
from shared.events.analytics import ScoredData


class HistoryStore(Protocol):
    async def load(self, customer_ids: Collection[str]) -> dict[str, PurchaseHistory]:
        """The stored histories among `customer_ids` (absent ones are left out)."""

    async def save(self, history: PurchaseHistory) -> None:
        """Write `history` if the stored one is still at `history.version` (0 = new); the
        stored version becomes `history.version + 1`. Raises VersionConflict otherwise."""

    async def all(self) -> dict[str, PurchaseHistory]: ...


class ScoreStore(Protocol):
    async def published(self, customer_ids: Collection[str] | None) -> dict[str, ScoredData]:
        """The last scores published per customer (everyone's when `customer_ids` is None)."""

    async def record(self, scores: Sequence[ScoredData]) -> None: ...


class ModelStore(Protocol):
    async def boundaries(self, currency: str) -> Boundaries | None: ...

    async def save_boundaries(self, currency: str, boundaries: Boundaries) -> None: ...

    async def current_model(self, currency: str) -> ClvModel | None: ...

    async def save_model(self, model: ClvModel) -> None:
        """Keep the model as the latest fit of its segment (None: the population) and currency;
        a population model becomes the one customers are scored with."""

    async def latest_fit(self, currency: str, segment: str | None) -> ClvModel | None: ...


class UnknownSegment(LookupError):
    """No live segment has this id."""


class SegmentNotReady(RuntimeError):
    """The segment's back-fill has not finished: its member list is still incomplete."""


class SegmentDirectory(Protocol):
    async def members(self, segment_id: str) -> frozenset[str]:
        """Every customer id in the segment now. Raises UnknownSegment or SegmentNotReady."""


class ScorePublisher(Protocol):
    async def publish(self, scores: Sequence[ScoredData]) -> None:
        """One `c360.analytics.scored` event per entry, acknowledged by the broker."""
