"""The poison policy, written once: retry the whole batch, then bisect it down to the records
that still fail and dead-letter those, so every other record is applied."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from shared.consuming.deadletters import QueuedDeadLetters
from shared.consuming.errors import DependencyDown, PoisonRecord, error_text, is_dependency_down
from shared.consuming.handler import BatchHandler, Record
from shared.logging import get_logger

log = get_logger(__name__)
Probe = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # whole-batch attempts before isolating
    backoff_s: float = 0.2  # doubled after each failed attempt
    record_attempts: int = 2  # attempts of one record alone before it is dead-lettered


class Isolation:
    def __init__(
        self,
        name: str,
        handler: BatchHandler,
        dead_letters: QueuedDeadLetters,
        policy: RetryPolicy,
        probe: Probe | None = None,
        progressed: Callable[[], None] | None = None,
    ) -> None:
        self.name, self.handler, self.dead_letters = name, handler, dead_letters
        self.policy, self.probe, self.progressed = policy, probe, progressed
        self.last_error: Exception = RuntimeError("no failure yet")

    async def apply(self, records: Sequence[Record]) -> bool:
        """Apply `records`; True if it took isolation. Raises DependencyDown for an outage."""
        delay = self.policy.backoff_s
        for attempt in range(1, self.policy.attempts + 1):
            if await self._try(records):
                return False
            log.warning("batch failed; retrying", consumer=self.name, attempt=attempt)
            if attempt < self.policy.attempts:
                await asyncio.sleep(delay)
                delay *= 2
        await self._bisect(records)
        return True

    async def _try(self, records: Sequence[Record]) -> bool:
        mark = self.dead_letters.mark()
        try:
            await self.handler.handle(records)
        except Exception as exc:
            self.dead_letters.rollback(mark)
            if is_dependency_down(exc):
                raise DependencyDown(error_text(exc)) from exc
            self.last_error = exc
            return False
        return True

    async def _bisect(self, records: Sequence[Record]) -> None:
        """`records` failed together: apply each half, splitting again what fails."""
        if len(records) == 1:
            await self._one(records[0])
            return
        middle = len(records) // 2
        for half in (records[:middle], records[middle:]):
            if len(half) == 1 or not await self._try(half):
                await self._bisect(half)
            elif self.progressed is not None:
                self.progressed()

    async def _one(self, record: Record) -> None:
        for _ in range(self.policy.record_attempts):
            if await self._try([record]):
                return
        await self._dependencies_answer()
        error = self.last_error
        kind = error.kind if isinstance(error, PoisonRecord) else "handler_error"
        log.error(
            "record dead-lettered",
            consumer=self.name,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            kind=kind,
            error=error_text(error, 300),
        )
        await self.dead_letters.reject(record, kind, error_text(error))

    async def _dependencies_answer(self) -> None:
        """Before blaming a record, ask the store: a failure it explains is an outage."""
        if self.probe is None:
            return
        try:
            await self.probe()
        except Exception as exc:
            raise DependencyDown(f"store: {error_text(exc)}") from exc
