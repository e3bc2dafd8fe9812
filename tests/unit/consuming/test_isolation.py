"""The poison policy: retry the batch, then isolate exactly the records that fail."""

from collections.abc import Sequence

import pytest

from shared.consuming import DependencyDown, Record
from shared.consuming.isolation import Isolation, RetryPolicy
from tests.unit.consuming.fakes import MemoryDeadLetters, PickyHandler, record

FAST = RetryPolicy(attempts=3, backoff_s=0.0, record_attempts=2)


def isolation(handler: PickyHandler, letters: MemoryDeadLetters) -> Isolation:
    return Isolation("test", handler, letters, FAST)


async def test_a_good_batch_is_applied_once_without_isolation() -> None:
    handler, letters = PickyHandler(), MemoryDeadLetters()
    isolated = await isolation(handler, letters).apply([record(o) for o in range(10)])
    assert isolated is False
    assert handler.applied == list(range(10))
    assert handler.calls == 1
    assert letters.pending == []


async def test_poison_records_are_dead_lettered_and_every_other_record_applied() -> None:
    handler, letters = PickyHandler(), MemoryDeadLetters()
    values = {3: b"poison", 11: b"typed", 12: b"poison"}
    batch = [record(o, values.get(o, b"{}")) for o in range(20)]

    isolated = await isolation(handler, letters).apply(batch)

    assert isolated is True
    assert sorted(handler.applied) == [o for o in range(20) if o not in values]
    rejected = {r.offset: (kind, message) for r, kind, message in letters.pending}
    assert set(rejected) == set(values)
    assert rejected[3] == ("handler_error", "ValueError: cannot apply")
    assert rejected[11] == ("bad_time", "PoisonRecord: time out of range")


async def test_an_outage_is_not_poison_and_dead_letters_nothing() -> None:
    handler, letters = PickyHandler(), MemoryDeadLetters()
    handler.down = True
    with pytest.raises(DependencyDown):
        await isolation(handler, letters).apply([record(0, b"poison"), record(1)])
    assert letters.pending == []
    assert handler.applied == []


async def test_rejections_queued_by_a_failed_attempt_are_not_kept() -> None:
    class RejectsThenFails(PickyHandler):
        def __init__(self, letters: MemoryDeadLetters) -> None:
            super().__init__()
            self.letters = letters

        async def handle(self, records: Sequence[Record]) -> None:
            for r in records:
                if r.value == b"unreadable":
                    await self.letters.reject(r, "invalid_json", "not JSON")
            await super().handle(records)

    letters = MemoryDeadLetters()
    handler = RejectsThenFails(letters)
    batch = [record(0, b"unreadable"), record(1, b"poison"), record(2)]
    await isolation(handler, letters).apply(batch)
    kinds = sorted((r.offset, kind) for r, kind, _ in letters.pending)
    assert kinds == [(0, "invalid_json"), (1, "handler_error")]
    assert 2 in handler.applied


async def test_isolation_reports_progress_for_every_part_it_applies() -> None:
    handler, letters = PickyHandler(), MemoryDeadLetters()
    applied_parts: list[int] = []
    isolation = Isolation(
        "test", handler, letters, FAST, progressed=lambda: applied_parts.append(1)
    )
    await isolation.apply([record(o, b"poison" if o == 5 else b"{}") for o in range(16)])
    assert applied_parts, "a stall detector would see no progress during isolation"
    assert sorted(handler.applied) == [o for o in range(16) if o != 5]
