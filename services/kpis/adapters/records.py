"""Kafka records in, what the KPI fold reads out: the customer, the event, its position.

`c360.analytics.scored` is read from its JSON here (only the fields the KPIs use), so this
service does not depend on the analytics service's code.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import orjson
from aiokafka.structs import ConsumerRecord

from services.kpis.domain.fold import CustomerEvent, Scored
from shared.events import InvalidEvent, decode_kafka_record
from shared.events.contacts import ContactCreated
from shared.events.interactions import InteractionEvent
from shared.events.marketing import MarketingSpendReported
from shared.events.types import INTERACTION_TYPES

SCORED = "c360.analytics.scored"
Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


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
        except (ValueError, KeyError, TypeError) as exc:
            bad.append(Unreadable(record, "schema_violation", f"{type(exc).__name__}: {exc}"))
            continue
        if found is not None:
            customer, event = found
            reads.append(Read(kind, record.partition, record.offset, customer, event))
    return reads, bad


def _event(
    kind: str, record: Record
) -> tuple[str | None, CustomerEvent | MarketingSpendReported] | None:
    if kind == "analytics":
        return _scored(record.value)
    event = decode_kafka_record(record.value, list(record.headers or ()))
    if isinstance(event, MarketingSpendReported):
        return None, event
    if isinstance(event, ContactCreated):
        return event.data.customer_id, event
    if event.type in INTERACTION_TYPES:
        interaction: InteractionEvent = event  # type: ignore[assignment]
        customer = interaction.subject or interaction.data.customer.customer_id
        return (customer, interaction) if customer else None
    return None


def _scored(value: bytes | None) -> tuple[str, Scored] | None:
    if value is None:
        raise ValueError("record has no value")
    envelope: dict[str, Any] = orjson.loads(value)
    if envelope.get("type") != SCORED:
        return None
    data = envelope["data"]
    clv = data.get("clv") or {}
    scored = Scored(
        event_id=str(envelope["id"]),
        customer_id=str(data["customer_id"]),
        scored_at=datetime.fromisoformat(data["scored_at"]),
        p_alive=None if clv.get("p_alive") is None else float(clv["p_alive"]),
        clv_minor=None if clv.get("clv_12m_minor") is None else int(clv["clv_12m_minor"]),
        currency=clv.get("currency"),
    )
    if scored.scored_at.tzinfo is None:
        raise ValueError("scored_at needs a timezone")
    return scored.customer_id, scored
