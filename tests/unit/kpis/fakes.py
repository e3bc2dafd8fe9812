"""A small in-memory KPI store and dead letter, and the known history as Kafka records."""

from collections.abc import Sequence

import orjson
from aiokafka.structs import ConsumerRecord

from services.kpis.adapters.records import SourceTopics
from services.kpis.domain.facts import Purchase
from services.kpis.service_layer.ports import Aggregate, StoredFacts
from shared.consuming import Record
from shared.mongo import VersionConflict
from tests.kpis_history import Entry

TOPICS = SourceTopics("t.interactions", "t.contacts", "t.analytics", "t.marketing")


class FakeStore:
    def __init__(self) -> None:
        self.facts: dict[str, StoredFacts] = {}
        self.aggregates: dict[str, Aggregate] = {}

    async def load_facts(self, customer_ids: Sequence[str]) -> dict[str, StoredFacts]:
        return {c: self.facts[c] for c in customer_ids if c in self.facts}

    async def save_facts(self, stored: Sequence[StoredFacts]) -> None:
        for s in stored:
            self.facts[s.facts.customer_id] = s

    async def load_aggregate(self, aggregate_id: str) -> Aggregate:
        return self.aggregates.get(aggregate_id, Aggregate(aggregate_id))

    async def save_aggregate(self, aggregate: Aggregate) -> None:
        current = self.aggregates.get(aggregate.id, Aggregate(aggregate.id))
        if current.version != aggregate.version - 1:
            raise VersionConflict(aggregate.id, aggregate.version - 1)
        self.aggregates[aggregate.id] = aggregate

    async def all_aggregates(self) -> list[Aggregate]:
        return list(self.aggregates.values())

    async def all_purchases(self) -> list[tuple[Purchase, ...]]:
        return [s.facts.purchases for s in self.facts.values()]


class FakeDeadLetters:
    def __init__(self) -> None:
        self.sent: list[tuple[Record, str]] = []

    async def reject(self, record: Record, kind: str, message: str) -> None:
        self.sent.append((record, kind))


def as_records(history: Sequence[Entry], partitions: int = 2) -> list[Record]:
    """The history as the log would hold it: customers spread over partitions by id."""
    next_offset: dict[tuple[str, int], int] = {}
    records: list[Record] = []
    for kind, key, event in history:
        partition = sum(map(ord, key or "")) % partitions
        offset = next_offset.get((kind, partition), 0)
        next_offset[kind, partition] = offset + 1
        topic = getattr(TOPICS, kind)
        records.append(
            ConsumerRecord(
                topic,
                partition,
                offset,
                0,
                0,
                (key or "").encode(),
                orjson.dumps(event),
                None,
                0,
                0,
                [("content-type", b"application/cloudevents+json")],
            )
        )
    return records
