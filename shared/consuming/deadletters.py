"""Dead letters that never fail: every copy fits the broker's limit, and a topic that cannot be
written stops the consumer (not ready) instead of letting it skip the record."""

import asyncio
from dataclasses import dataclass
from typing import Protocol

from aiokafka import AIOKafkaProducer

from shared.consuming import metrics
from shared.consuming.errors import error_text
from shared.consuming.fitting import DeadLetter, fit_dead_letter
from shared.consuming.handler import Record


class DeadLetterUnavailable(Exception):
    """The dead-letter topic could not be written: the runner stops consuming, not ready."""


class DeadLetterSink(Protocol):
    """Where a handler rejects a record it knows it cannot apply (bad JSON, unknown type...)."""

    async def reject(self, record: Record, kind: str, message: str) -> None: ...


class QueuedDeadLetters(DeadLetterSink, Protocol):
    """The runner's side: copies are queued while a batch runs and flushed before the commit."""

    def mark(self) -> int: ...

    def rollback(self, mark: int = 0) -> None: ...

    async def flush(self) -> None: ...


@dataclass(frozen=True)
class Rejection:
    record: Record
    kind: str
    message: str


class KafkaDeadLetters:
    """Copies rejected records to the dead-letter topic. `reject` queues, `flush` waits for the
    broker to acknowledge every queued copy (the runner flushes before it commits)."""

    def __init__(
        self, producer: AIOKafkaProducer, topic: str, consumer: str, max_bytes: int
    ) -> None:
        self.producer, self.topic, self.consumer = producer, topic, consumer
        self.max_bytes = max_bytes
        self.pending: list[Rejection] = []

    async def reject(self, record: Record, kind: str, message: str) -> None:
        self.pending.append(Rejection(record, kind, message))

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        letters = [self._letter(r) for r in pending]
        try:
            sent = [
                await self.producer.send(
                    self.topic, letter.value, key=letter.key, headers=letter.headers
                )
                for letter in letters
            ]
            await asyncio.gather(*sent)
        except Exception as exc:
            self.pending = pending + self.pending  # nothing is lost: retried with the batch
            raise DeadLetterUnavailable(error_text(exc)) from exc
        for rejection in pending:
            metrics.DEAD_LETTERS.labels(self.consumer, rejection.kind).inc()

    def mark(self) -> int:
        """A point to roll back to if the records handled after it are redone."""
        return len(self.pending)

    def rollback(self, mark: int = 0) -> None:
        """Forget copies queued since `mark`: the records they belong to will be redone."""
        del self.pending[mark:]

    def _letter(self, rejection: Rejection) -> DeadLetter:
        return fit_dead_letter(
            rejection.record,
            consumer=self.consumer,
            kind=rejection.kind,
            message=rejection.message,
            max_bytes=self.max_bytes,
        )
