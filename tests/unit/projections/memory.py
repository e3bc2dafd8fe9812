"""The projection's documents kept in dictionaries: the pure fold driven like the worker drives it,
so properties can redeliver, re-batch and crash between writes at will."""

from collections import defaultdict
from collections.abc import Sequence

from services.projections.domain.records import SourceRecord, days_to_load, fold_records
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Day, Entry, bucket_id
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
                day: Day(customer_id, day, self._parts(customer_id, day, count))
                for day, count in days_to_load(state, mine).items()
            }
            folded = fold_records(state, days, mine)
            for day in days.values():
                for n in day.changed:
                    self.buckets[bucket_id(customer_id, day.day, n)] = list(day.parts[n])
            if not crash_before_state:
                self.states[customer_id] = folded.state

    def _parts(self, customer_id: str, day: str, count: int) -> list[list[Entry]]:
        ids = [bucket_id(customer_id, day, n) for n in range(count)]
        return [list(self.buckets[i]) for i in ids if i in self.buckets]

    def timeline_ids(self, customer_id: str) -> list[str]:
        entries = [
            e for k, es in self.buckets.items() if k.startswith(f"{customer_id}|") for e in es
        ]
        return [e.id for e in sorted(entries, key=lambda e: e.key, reverse=True)]


def records(
    topic: str, events: Sequence[Event], partition: int = 0, first: int = 0
) -> list[SourceRecord]:
    """Events as consecutive records of one topic-partition."""
    return [
        SourceRecord(topic, partition, first + n, e, data_json="{}") for n, e in enumerate(events)
    ]
