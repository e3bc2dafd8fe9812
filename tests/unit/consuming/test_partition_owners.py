"""A handler that keeps something per partition is told when a rebalance moves partitions, and
only between batches: the revocation waits for the batch in hand."""

import asyncio
from collections.abc import Collection, Sequence

from aiokafka.structs import TopicPartition

from shared.consuming import BatchRunner, OwnsPartitions, Record, RunnerOptions
from shared.consuming.runner import OneBatchAtATime
from shared.settings import Settings
from tests.unit.consuming.fakes import MemoryDeadLetters, PickyHandler

MINE, THEIRS = TopicPartition("c360.interactions", 1), TopicPartition("c360.interactions", 2)


class Owner(PickyHandler):
    def __init__(self) -> None:
        super().__init__()
        self.told: list[tuple[str, set[TopicPartition]]] = []

    def partitions_revoked(self, partitions: Collection[TopicPartition]) -> None:
        self.told.append(("revoked", set(partitions)))

    def partitions_assigned(self, partitions: Collection[TopicPartition]) -> None:
        self.told.append(("assigned", set(partitions)))


def runner(handler: PickyHandler) -> BatchRunner:
    options = RunnerOptions(name="test", group_id="test", topics=["c360.interactions"])
    return BatchRunner(Settings(), options, handler, MemoryDeadLetters())


async def test_an_owner_hears_of_revoked_and_assigned_partitions() -> None:
    owner = Owner()
    listener = OneBatchAtATime(runner(owner))

    await listener.on_partitions_revoked({MINE, THEIRS})
    await listener.on_partitions_assigned({MINE})

    assert isinstance(owner, OwnsPartitions)
    assert owner.told == [("revoked", {MINE, THEIRS}), ("assigned", {MINE})]


async def test_the_revocation_waits_for_the_batch_in_hand() -> None:
    owner = Owner()
    the_runner = runner(owner)
    listener = OneBatchAtATime(the_runner)

    async with the_runner.lock:  # a batch is being applied
        revoking = asyncio.create_task(listener.on_partitions_revoked({THEIRS}))
        for _ in range(10):
            await asyncio.sleep(0)
        assert owner.told == []
    await revoking

    assert owner.told == [("revoked", {THEIRS})]


async def test_a_handler_that_owns_nothing_is_not_told() -> None:
    class Plain:
        async def handle(self, records: Sequence[Record]) -> None:
            return None

    the_runner = runner(Plain())  # type: ignore[arg-type]
    await OneBatchAtATime(the_runner).on_partitions_assigned({MINE})

    assert the_runner.owner is None
