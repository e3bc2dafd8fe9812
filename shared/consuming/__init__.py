"""The one way to consume Kafka in c360: a `BatchRunner` drives a `BatchHandler`.

The runner owns polling, commits, rebalances, retries, poison isolation, dead letters, lag and
progress metrics, and the consumer's readiness. A handler only applies records:

    class Projection:
        async def handle(self, records: Sequence[Record]) -> None: ...

Raising from `handle` means the batch failed. The runner retries it a bounded number of times
with backoff, then isolates the records that still fail and dead-letters them (with the consumer,
the reason and the original bytes) while the rest are applied and committed. `DependencyDown`
(or a store/broker error classified as one) is not poison: the runner pauses, retries, dead-letters
nothing, and reports not ready until the dependency answers again.

A handler that also has `partitions_revoked` / `partitions_assigned` (`OwnsPartitions`) is told
when a rebalance moves partitions, between batches.
"""

from shared.consuming.deadletters import DeadLetterSink, DeadLetterUnavailable
from shared.consuming.errors import DependencyDown, PoisonRecord, is_dependency_down
from shared.consuming.handler import BatchHandler, OwnsPartitions, Record
from shared.consuming.health import ConsumerHealth, NotReady
from shared.consuming.runner import BatchRunner, RunnerOptions

__all__ = [
    "BatchHandler",
    "BatchRunner",
    "ConsumerHealth",
    "DeadLetterSink",
    "DeadLetterUnavailable",
    "DependencyDown",
    "NotReady",
    "OwnsPartitions",
    "PoisonRecord",
    "Record",
    "RunnerOptions",
    "is_dependency_down",
]
