"""What a consumer supplies to the runner: a handler that applies a batch of records."""

from collections.abc import Collection, Sequence
from typing import Protocol, TypeAlias, runtime_checkable

from aiokafka.structs import ConsumerRecord, TopicPartition

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


class BatchHandler(Protocol):
    """Applies records; idempotently, since a failed batch (or a crash) is redelivered.

    Returning means every record given is done (applied, or deliberately rejected through a
    `DeadLetterSink`) and its offset may be committed. Raising means the batch failed: the runner
    retries it, then isolates the record(s) that still fail. Raise `DependencyDown` when the store
    or broker does not answer, so nothing is dead-lettered for an outage.
    """

    async def handle(self, records: Sequence[Record]) -> None: ...


@runtime_checkable
class OwnsPartitions(Protocol):
    """A handler that keeps something per partition it owns (such as the state of what only it
    writes) is told when partitions move. The runner calls these between batches: `revoked`
    once the batch in hand is done, `assigned` before the first batch of the new assignment."""

    def partitions_revoked(self, partitions: Collection[TopicPartition]) -> None: ...

    def partitions_assigned(self, partitions: Collection[TopicPartition]) -> None: ...
