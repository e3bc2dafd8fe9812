"""A batch that fails for one customer leaves none of its other writes running: a write of the
failed attempt that landed after the retry and a later batch would put an older timeline back."""

import asyncio
from collections.abc import Collection

import pytest

from services.projections.domain.timeline import Entry
from services.projections.service_layer.projector import Projector
from shared.topics import Topics
from tests.unit.projections.events import call, new_customer_id
from tests.unit.projections.fakes import Projection, records

DAY_MINUTES = 24 * 60


class StoreGoesDown(Projection):
    """The first attempt: `slow`'s bucket write is held until released, `failing`'s fails as a
    store that stopped answering; later attempts go through."""

    def __init__(self, slow: str, failing: str) -> None:
        super().__init__()
        self.slow, self.failing = slow, failing
        self.released, self.failed = asyncio.Event(), asyncio.Event()
        self.slow_written = False

    async def save_buckets(
        self,
        customer_id: str,
        parts: dict[tuple[str, int], list[Entry]],
        fresh: Collection[tuple[str, int]] = (),
    ) -> None:
        if customer_id == self.slow and not self.slow_written:
            await self.released.wait()
            self.slow_written = True
        if customer_id == self.failing and not self.failed.is_set():
            self.failed.set()
            raise ConnectionError("the store stopped answering")
        await super().save_buckets(customer_id, parts, fresh)


async def release_after_the_failure(store: StoreGoesDown) -> None:
    """The held write goes on a while after the failure, as a slow store round trip does."""
    await store.failed.wait()
    for _ in range(20):
        await asyncio.sleep(0)
    store.released.set()


async def test_a_failed_attempt_has_no_write_left_running_when_it_raises() -> None:
    slow, failing = new_customer_id(), new_customer_id()
    store = StoreGoesDown(slow, failing)
    projector = Projector(store, store.dead_letters, Topics())
    first = [call(slow, 0), call(slow, DAY_MINUTES), call(failing, 0)]
    later = call(slow, 1)  # the first day again, after the newest: written to a stored part
    batch = records("interactions", first)
    releasing = asyncio.create_task(release_after_the_failure(store))

    with pytest.raises(ConnectionError):
        await projector.handle(batch)
    assert store.slow_written, "the failed attempt raised while one of its writes was pending"
    await releasing
    await projector.handle(batch)  # the runner's retry
    await projector.handle(records("interactions", [later], first=len(first)))

    assert sorted(store.timeline_ids(slow)) == sorted([*(e.id for e in first[:2]), later.id])
    assert store.timeline_ids(failing) == [first[2].id]
