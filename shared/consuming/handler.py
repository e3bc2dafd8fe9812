"""What a consumer supplies to the runner: a handler that applies a batch of records."""

from collections.abc import Sequence
from typing import Protocol, TypeAlias

from aiokafka.structs import ConsumerRecord

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


class BatchHandler(Protocol):
    """Applies records; idempotently, since a failed batch (or a crash) is redelivered.

    Returning means every record given is done (applied, or deliberately rejected through a
    `DeadLetterSink`) and its offset may be committed. Raising means the batch failed: the runner
    retries it, then isolates the record(s) that still fail. Raise `DependencyDown` when the store
    or broker does not answer, so nothing is dead-lettered for an outage.
    """

    async def handle(self, records: Sequence[Record]) -> None: ...
