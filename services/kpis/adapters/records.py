"""Kafka records in, what the KPI fold reads out: the customer, the event, its position."""

from collections.abc import Sequence
from dataclasses import dataclass

from services.kpis.domain.fold import CustomerEvent, Scored
from shared.consuming import Record
from shared.events import InvalidEvent, decode_kafka_record
from shared.events.analytics import AnalyticsScored
from shared.events.contacts import ContactCreated
from shared.events.interactions import InteractionEvent
from shared.events.marketing import MarketingSpendReported
from shared.events.types import INTERACTION_TYPES


@dataclass(frozen=True)
class SourceTopics:
    """Concrete topic names, by the name the stored positions use."""

    interactions: str
    contacts: str
    analytics: str
    marketing: str

    def kind_of(self, topic: str) -> str:
        for kind in ("interactions", "contacts", "analytics", "marketing"):
            if getattr(self, kind) == topic:
                return kind
        raise LookupError(f"not a KPI source topic: {topic}")

    def all(self) -> list[str]:
        return [self.interactions, self.contacts, self.analytics, self.marketing]


@dataclass(frozen=True)
class Read:
    kind: str
    partition: int
    offset: int
    customer_id: str | None
    event: CustomerEvent | MarketingSpendReported


@dataclass(frozen=True)
class Unreadable:
    record: Record
    kind: str
    message: str


def read(records: Sequence[Record], topics: SourceTopics) -> tuple[list[Read], list[Unreadable]]:
    """The records the KPIs use, and the ones that cannot be read; others are left out."""
    reads: list[Read] = []
    bad: list[Unreadable] = []
    for record in records:
        kind = topics.kind_of(record.topic)
        try:
            found = _event(kind, record)
        except InvalidEvent as invalid:
            bad.append(Unreadable(record, invalid.kind, str(invalid)))
            continue
        if found is not None:
            customer, event = found
            reads.append(Read(kind, record.partition, record.offset, customer, event))
    return reads, bad


def _event(
    kind: str, record: Record
) -> tuple[str | None, CustomerEvent | MarketingSpendReported] | None:
    event = decode_kafka_record(record.value, list(record.headers or ()))
    if isinstance(event, AnalyticsScored):
        return _scored(event)
    if isinstance(event, MarketingSpendReported):
        return None, event
    if isinstance(event, ContactCreated):
        return event.data.customer_id, event
    if event.type in INTERACTION_TYPES:
        interaction: InteractionEvent = event  # type: ignore[assignment]
        customer = interaction.subject or interaction.data.customer.customer_id
        return (customer, interaction) if customer else None
    return None


def _scored(event: AnalyticsScored) -> tuple[str, Scored]:
    """Only what the KPIs use of the scores: p_alive and the 12-month CLV."""
    clv = event.data.clv
    scored = Scored(
        event_id=event.id,
        customer_id=event.data.customer_id,
        scored_at=event.data.scored_at,
        p_alive=None if clv is None else clv.p_alive,
        clv_minor=None if clv is None else clv.clv_12m_minor,
        currency=None if clv is None else clv.currency,
    )
    return scored.customer_id, scored
