"""Small fakes of the runner's own ports: a handler that refuses chosen records, a queue of
dead letters kept in memory."""

from collections.abc import Sequence

from aiokafka.structs import ConsumerRecord

from shared.consuming import DependencyDown, PoisonRecord, Record


def record(offset: int, value: bytes = b"{}", partition: int = 0) -> Record:
    return ConsumerRecord(
        topic="c360.interactions",
        partition=partition,
        offset=offset,
        timestamp=1_700_000_000_000 + offset,
        timestamp_type=0,
        key=f"cust-{offset % 7}".encode(),
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=[("content-type", b"application/cloudevents+json")],
    )


class PickyHandler:
    """Applies every record except those whose value is `poison` (ValueError) or `typed`
    (a PoisonRecord with its own kind); raises DependencyDown while `down`."""

    def __init__(self) -> None:
        self.applied: list[int] = []
        self.calls = 0
        self.down = False

    async def handle(self, records: Sequence[Record]) -> None:
        self.calls += 1
        if self.down:
            raise DependencyDown("store does not answer")
        if any(r.value == b"poison" for r in records):
            raise ValueError("cannot apply")
        if any(r.value == b"typed" for r in records):
            raise PoisonRecord("bad_time", "time out of range")
        self.applied += [r.offset for r in records if r.offset not in self.applied]


class MemoryDeadLetters:
    def __init__(self) -> None:
        self.pending: list[tuple[Record, str, str]] = []
        self.written: list[tuple[Record, str, str]] = []

    async def reject(self, record: Record, kind: str, message: str) -> None:
        self.pending.append((record, kind, message))

    def mark(self) -> int:
        return len(self.pending)

    def rollback(self, mark: int = 0) -> None:
        del self.pending[mark:]

    async def flush(self) -> None:
        self.written += self.pending
        self.pending = []
