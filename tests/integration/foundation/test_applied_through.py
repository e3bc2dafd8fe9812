"""How far each partition's log is applied, as the batch runner tells it on the real broker:
what durable timers wait for, so nothing logged before a deadline is weighed after it."""

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer

from shared.consuming import BatchRunner, DependencyDown, Record, RunnerOptions
from shared.settings import Settings
from shared.topics import Topics
from tests.conftest import TEST_PARTITIONS
from tests.integration.notifier.receivers import eventually
from tests.unit.consuming.fakes import MemoryDeadLetters

pytestmark = pytest.mark.integration


class Gate:
    """Applies records in order; a record whose value is `stuck` fails as an outage until the
    gate opens."""

    def __init__(self) -> None:
        self.applied: list[int] = []
        self.refused = 0
        self.open = False

    async def handle(self, records: Sequence[Record]) -> None:
        if not self.open and any(r.value == b"stuck" for r in records):
            self.refused += 1
            raise DependencyDown("store does not answer")
        self.applied += [r.offset for r in records]


async def test_each_partition_is_applied_through_its_last_record_done_or_now_when_caught_up(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for value, at in ((b"{}", hour_ago), (b"stuck", hour_ago + timedelta(minutes=30))):
        timestamp_ms = int(at.timestamp() * 1000)
        await producer.send_and_wait(
            catalog.interactions, value, partition=0, timestamp_ms=timestamp_ms
        )
    gate = Gate()
    options = RunnerOptions(
        name="progress",
        group_id=f"progress-{uuid.uuid4().hex[:6]}",
        topics=[catalog.interactions],
        max_records=1,
        poll_ms=100,
    )
    runner = BatchRunner(settings, options, gate, MemoryDeadLetters())
    assert await runner.applied_through() == {}  # not running: nothing known

    running = asyncio.create_task(runner.run())
    try:
        await eventually(lambda: gate.applied == [0] and gate.refused >= 2, "a stuck record")
        started = datetime.now(UTC)
        async with runner.lock:
            through = await runner.applied_through()
        assert through[0] == hour_ago  # the first record's log time, not the clock
        assert set(through) == set(range(TEST_PARTITIONS))
        assert all(through[p] >= started for p in range(1, TEST_PARTITIONS))  # empty: now

        gate.open = True
        await eventually(lambda: gate.applied == [0, 1], "the stuck record applied")
        caught_up = datetime.now(UTC)

        async def applied_through_now() -> bool:
            async with runner.lock:
                return (await runner.applied_through()).get(0, hour_ago) >= caught_up

        await eventually(applied_through_now, "partition 0 applied through now")
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
