"""The projector keeps the states of the customers it owns: a hit skips the store read; the
memory is bounded (least recently used dropped), forgets revoked partitions, and forgets every
customer of a failed batch so the retry reads what the store really holds."""

import asyncio

import pytest
from aiokafka.structs import TopicPartition

from services.projections.domain.state import CustomerState
from services.projections.service_layer.owned_states import OwnedStates
from services.projections.service_layer.projector import Projector
from shared.consuming import OwnsPartitions
from shared.mongo import VersionConflict
from shared.topics import Topics
from tests.unit.projections.events import call, new_customer_id, purchase
from tests.unit.projections.fakes import Projection, records


class CountingReads(Projection):
    """The fakes, counting state reads per customer; `refuse` makes one state write fail once."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[str, int] = {}
        self.refuse: set[str] = set()

    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None:
        self.reads[customer_id] = self.reads.get(customer_id, 0) + 1
        return await super().load_state(customer_id, head)

    async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
        if state.customer_id in self.refuse:
            self.refuse.discard(state.customer_id)
            raise ConnectionError("the store stopped answering")
        return await super().save_state(state, expected_revision)


def projector(store: CountingReads, capacity: int = 100) -> Projector:
    return Projector(store, store.dead_letters, Topics(), owned=OwnedStates(capacity))


def run(projector: Projector, *batches: list) -> None:  # type: ignore[type-arg]
    async def all_of_them() -> None:
        for batch in batches:
            await projector.handle(batch)

    asyncio.run(all_of_them())


def test_a_kept_state_skips_the_store_read_and_gives_the_same_view() -> None:
    customer = new_customer_id()
    store = CountingReads()
    events = [call(customer, 0), purchase(customer, 1), call(customer, 2)]

    run(projector(store), *(records("interactions", [e], first=n) for n, e in enumerate(events)))

    assert store.reads[customer] == 1  # only the first batch read it
    alone = CountingReads()  # the same events, every state read from the store
    run(
        projector(alone, capacity=0),
        *(records("interactions", [e], first=n) for n, e in enumerate(events)),
    )
    assert alone.reads[customer] == 3
    assert store.states[customer] == alone.states[customer]


def test_the_least_recently_used_state_is_dropped_beyond_the_bound() -> None:
    first, second, third = (new_customer_id() for _ in range(3))
    store = CountingReads()
    worker = projector(store, capacity=2)

    run(
        worker,
        records("interactions", [call(first, 0)], first=0),
        records("interactions", [call(second, 0)], first=1),
        records("interactions", [call(first, 1)], first=2),  # `first` is now the most recent
        records("interactions", [call(third, 0)], first=3),  # drops `second`
        records("interactions", [call(first, 2), call(second, 1)], first=4),
    )

    assert len(worker.owned) == 2
    assert store.reads == {first: 1, second: 2, third: 1}


def test_revoked_partitions_are_forgotten_and_the_next_batch_reads_the_store() -> None:
    mine, moved = new_customer_id(), new_customer_id()
    store = CountingReads()
    worker = projector(store)
    run(
        worker,
        records("interactions", [call(mine, 0)], partition=1),
        records("interactions", [call(moved, 0)], partition=2),
    )
    assert isinstance(worker, OwnsPartitions)  # so the batch runner tells it of rebalances

    worker.partitions_revoked([TopicPartition("c360.interactions", 2)])
    worker.partitions_assigned([TopicPartition("c360.interactions", 1)])
    run(
        worker,
        records("interactions", [call(mine, 1)], partition=1, first=1),
        records("interactions", [call(moved, 1)], partition=2, first=1),
    )

    assert store.reads == {mine: 1, moved: 2}


def test_an_assignment_without_a_partition_forgets_its_customers() -> None:
    kept, gone = new_customer_id(), new_customer_id()
    store = CountingReads()
    worker = projector(store)
    run(
        worker,
        records("interactions", [call(kept, 0)], partition=0),
        records("interactions", [call(gone, 0)], partition=5),
    )

    worker.partitions_assigned([TopicPartition("c360.contacts", 0)])

    assert worker.owned.get(kept) is not None
    assert worker.owned.get(gone) is None


def test_a_failed_batch_forgets_its_customers_and_the_retry_reads_the_store() -> None:
    failing, fine, untouched = new_customer_id(), new_customer_id(), new_customer_id()
    store = CountingReads()
    worker = projector(store)
    run(worker, records("interactions", [call(untouched, 0), call(failing, 0), call(fine, 0)]))
    batch = records("interactions", [call(failing, 1), call(fine, 1)], first=3)

    store.refuse.add(failing)
    with pytest.raises(ConnectionError):
        run(worker, batch)
    assert worker.owned.get(failing) is None
    assert worker.owned.get(fine) is None
    assert worker.owned.get(untouched) is not None
    run(worker, batch)  # the runner's retry

    assert store.reads == {untouched: 1, failing: 2, fine: 2}
    assert store.states[failing].version == 2
    assert store.states[fine].version == 2


def test_a_state_another_writer_changed_is_refolded_from_the_store() -> None:
    """The segment back-fill writes the state under the same revision guard: the kept state
    is then stale, the guarded write conflicts, and the customer is read again."""
    customer = new_customer_id()
    store = CountingReads()
    worker = projector(store)
    run(worker, records("interactions", [call(customer, 0)]))
    stored = store.states[customer]
    store.states[customer] = stored.model_copy(
        update={"segments": ("vip",), "revision": stored.revision + 1}
    )

    run(worker, records("interactions", [call(customer, 1)], first=1))

    assert store.reads[customer] == 2
    assert store.states[customer].segments == ("vip",)
    assert store.states[customer].version == 2


def test_a_conflict_that_persists_fails_the_batch_and_keeps_nothing() -> None:
    customer = new_customer_id()

    class AlwaysMoved(CountingReads):
        async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
            raise VersionConflict(state.customer_id, expected_revision)

    store = AlwaysMoved()
    worker = projector(store)
    with pytest.raises(VersionConflict):
        run(worker, records("interactions", [call(customer, 0)]))

    assert worker.owned.get(customer) is None
