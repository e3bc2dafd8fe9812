"""What the KPIs need to know about one customer, folded from the log.

Nothing personal: times, amounts, scores, channels. The fold gives the same state whatever the
interleaving of the customer's topics (interactions, contacts, analytics), because each field is
a set keyed by id, a minimum, or comes from one topic only (whose order Kafka keeps).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

# Facts stored before the source was kept: they are matched by event id alone, as they were.
UNKNOWN_SOURCE = ""


@dataclass(frozen=True, order=True)
class Purchase:
    at: datetime
    event_id: str
    amount_minor: int
    currency: str
    source: str = UNKNOWN_SOURCE


@dataclass(frozen=True, order=True)
class Survey:
    at: datetime
    event_id: str
    csat: int | None
    nps: int | None
    source: str = UNKNOWN_SOURCE


def is_from(fact: "Purchase | Survey", source: str, event_id: str) -> bool:
    """Whether `fact` came from the event `source` + `event_id` (CloudEvents identity: two
    adapters may use the same id); a fact of unknown source is matched by its id alone."""
    return fact.event_id == event_id and fact.source in (UNKNOWN_SOURCE, source)


@dataclass(frozen=True)
class Complaint:
    complaint_id: str
    opened_at: datetime | None = None
    severity: str | None = None
    sla_due_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class Score:
    scored_at: datetime
    p_alive: float | None
    clv_minor: int | None
    currency: str | None


@dataclass(frozen=True)
class Acquisition:
    channel: str
    campaign: str | None = None


@dataclass(frozen=True, order=True)
class FirstTouch:
    at: datetime
    event_id: str
    source: str


@dataclass(frozen=True)
class CustomerFacts:
    customer_id: str
    created_at: datetime | None = None
    acquisition: Acquisition | None = None
    first_touch: FirstTouch | None = None
    purchases: tuple[Purchase, ...] = ()
    surveys: tuple[Survey, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    score: Score | None = None
    churned_at: tuple[datetime, ...] = field(default=())

    @property
    def first_purchase(self) -> Purchase | None:
        return self.purchases[0] if self.purchases else None

    def with_complaint(self, complaint_id: str, **changes: object) -> "CustomerFacts":
        current = next(
            (c for c in self.complaints if c.complaint_id == complaint_id),
            Complaint(complaint_id),
        )
        others = tuple(c for c in self.complaints if c.complaint_id != complaint_id)
        updated = replace(current, **changes)  # type: ignore[arg-type]
        return replace(self, complaints=(*others, updated))
