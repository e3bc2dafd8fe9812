"""A batch that fails for one customer leaves none of its other writes running: a write of the
failed attempt that landed after the retry and a later batch would put an older timeline back."""

import asyncio

from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Entry
from services.projections.service_layer.projector import Projector
from shared.topics import Topics
from tests.unit.projections.events import call, new_customer_id
from tests.unit.projections.fakes import Projection, records

DAY_MINUTES = 24 * 60


class StoreGoesDown(Projection):
    """The first attempt: `slow`'s bucket write hangs until released, `failing`'s state write
    fails as a store that stopped answering; later attempts go through."""

    def __init__(self, slow: str, failing: str) -> None:
        super().__init__()
        self.slow, self.failing = slow, failing
        self.released = asyncio.Event()
        self.first_attempt = True

    async def save_buckets(
        self, customer_id: str, parts: dict[tuple[str, int], list[Entry]]
    ) -> None:
        if customer_id == self.slow and self.first_attempt:
            await self.released.wait()
        await super().save_buckets(customer_id, parts)

    async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
        if state.customer_id == self.failing and self.first_attempt:
            self.first_attempt = False
            raise ConnectionError("the store stopped answering")
        return await super().save_state(state, expected_revision)


async def test_a_write_of_a_failed_attempt_never_lands_after_the_retry() -> None:
    slow, failing = new_customer_id(), new_customer_id()
    store = StoreGoesDown(slow, failing)
    projector = Projector(store, store.dead_letters, Topics())
    first = [call(slow, 0), call(slow, DAY_MINUTES), call(failing, 0)]
    later = call(slow, 1)  # the first day again, after the newest: written to a stored part

    batch = records("interactions", first)
    try:
        await projector.handle(batch)
    except ConnectionError:
        pass
    else:
        raise AssertionError("the first attempt should have failed")
    await projector.handle(batch)  # the runner's retry
    await projector.handle(records("interactions", [later], first=len(first)))
    store.released.set()  # whatever the failed attempt left running may go on now
    for _ in range(10):
        await asyncio.sleep(0)

    assert sorted(store.timeline_ids(slow)) == sorted([*(e.id for e in first[:2]), later.id])
    assert store.timeline_ids(failing) == [first[2].id]
