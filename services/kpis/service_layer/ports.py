"""What the KPI service needs from the outside, as protocols (Mongo and Kafka in production,
small fakes in unit tests)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from services.kpis.domain.facts import CustomerFacts, Purchase


@dataclass(frozen=True)
class StoredFacts:
    """A customer's facts and, per source (`interactions`, `contacts`, `analytics`), the offset
    of the last record folded into them."""

    facts: CustomerFacts
    positions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Aggregate:
    """The cells of one partition number's customers (or of one marketing partition), with the
    offset per source up to which they are counted, and a version that guards the write."""

    id: str
    cells: Mapping[str, int] = field(default_factory=dict)
    positions: Mapping[str, int] = field(default_factory=dict)
    version: int = 0


class KpiStore(Protocol):
    async def load_facts(self, customer_ids: Sequence[str]) -> dict[str, StoredFacts]: ...

    async def save_facts(self, stored: Sequence[StoredFacts]) -> None: ...

    async def load_aggregate(self, aggregate_id: str) -> Aggregate: ...

    async def save_aggregate(self, aggregate: Aggregate) -> None:
        """Write `aggregate` (version n + 1) only if the stored one is at version n."""
        ...

    async def all_aggregates(self) -> list[Aggregate]: ...

    async def all_purchases(self) -> list[tuple[Purchase, ...]]: ...
