"""The projection's documents kept in dictionaries: the pure fold driven like the worker drives it,
so properties can redeliver, re-batch and crash between writes at will."""

from collections import defaultdict
from collections.abc import Sequence

from services.projections.domain.records import (
    SourceRecord,
    bucket_writes,
    days_to_load,
    fold_records,
)
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Day, Entry, bucket_id, head_bucket
from shared.events import Event


class MemoryProjection:
    def __init__(self) -> None:
        self.states: dict[str, CustomerState] = {}
        self.buckets: dict[str, list[Entry]] = {}

    def deliver(self, records: Sequence[SourceRecord], crash_before_state: bool = False) -> None:
        """One batch; with `crash_before_state` the buckets are written and the states are not."""
        by_customer: dict[str, list[SourceRecord]] = defaultdict(list)
        for record in records:
            by_customer[str(record.event.subject)].append(record)
        for customer_id, mine in by_customer.items():
            state = self.states.get(customer_id) or CustomerState(customer_id=customer_id)
            days = {
                day: Day(customer_id, day, self._parts(state, day, count))
                for day, count in days_to_load(state, mine).items()
            }
            folded = fold_records(state, days, mine)
            for (day, n), entries in bucket_writes(state, folded.state, days).items():
                self.buckets[bucket_id(customer_id, day, n)] = list(entries)
            if not crash_before_state:
                self.states[customer_id] = folded.state

    def _parts(self, state: CustomerState, day: str, count: int) -> list[list[Entry]]:
        """Like the store: the head part from the state, the others from their documents."""
        head = head_bucket(state.timeline)
        parts = []
        for n in range(count):
            key = bucket_id(state.customer_id, day, n)
            entries = list(state.head) if (day, n) == head else self.buckets.get(key, [])
            if entries:
                parts.append(entries)
        return parts

    def entries(self, customer_id: str) -> list[Entry]:
        """Every timeline entry of the customer: the separate parts and the inline head."""
        state = self.states[customer_id]
        head = head_bucket(state.timeline)
        skip = bucket_id(customer_id, *head) if head else None
        stored = [
            e
            for k, es in self.buckets.items()
            if k.startswith(f"{customer_id}|") and k != skip
            for e in es
        ]
        return stored + list(state.head)

    def timeline_ids(self, customer_id: str) -> list[str]:
        entries = self.entries(customer_id)
        return [e.id for e in sorted(entries, key=lambda e: e.key, reverse=True)]


def records(
    topic: str, events: Sequence[Event], partition: int = 0, first: int = 0
) -> list[SourceRecord]:
    """Events as consecutive records of one topic-partition."""
    return [
        SourceRecord(topic, partition, first + n, e, data_json="{}") for n, e in enumerate(events)
    ]
