"""Group commit: concurrent callers share writes, each gets its own results or the failure."""

import asyncio

import pytest

from services.interactions.adapters.coalescing import Coalescer


class Store:
    def __init__(self) -> None:
        self.writes: list[list[int]] = []
        self.fail = False

    async def write(self, items: list[int]) -> list[int]:
        self.writes.append(items)
        await asyncio.sleep(0.01)  # while this write is in flight, callers queue up
        if self.fail:
            raise ConnectionError("store down")
        return [i * 10 for i in items]


async def test_concurrent_callers_share_writes_and_get_their_own_results() -> None:
    store = Store()
    coalescer = Coalescer(store.write)
    results = await asyncio.gather(*(coalescer.submit([i, i + 100]) for i in range(20)))
    assert results == [[i * 10, (i + 100) * 10] for i in range(20)]
    assert len(store.writes) == 1  # all twenty queued before the writer ran: one bulk write
    assert sorted(x for w in store.writes for x in w) == sorted(
        x for i in range(20) for x in (i, i + 100)
    )


async def test_a_failed_write_fails_every_caller_in_it_and_the_next_write_proceeds() -> None:
    store = Store()
    coalescer = Coalescer(store.write)
    store.fail = True
    outcomes = await asyncio.gather(
        *(coalescer.submit([i]) for i in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, ConnectionError) for o in outcomes)
    store.fail = False
    assert await coalescer.submit([7]) == [70]


async def test_a_lone_caller_is_written_at_once() -> None:
    store = Store()
    coalescer = Coalescer(store.write)
    assert await coalescer.submit([1, 2]) == [10, 20]
    assert store.writes == [[1, 2]]


@pytest.mark.parametrize("callers", [1, 5])
async def test_nothing_waits_after_the_queue_is_drained(callers: int) -> None:
    store = Store()
    coalescer = Coalescer(store.write)
    await asyncio.gather(*(coalescer.submit([i]) for i in range(callers)))
    assert coalescer._waiting == []


async def test_a_gathering_writer_lets_callers_arriving_within_the_window_share_its_write() -> None:
    store = Store()
    coalescer = Coalescer(store.write, gather_s=0.05)

    async def later(i: int) -> list[int]:
        await asyncio.sleep(0.01 * i)  # one after the other, all within the window
        return await coalescer.submit([i])

    assert await asyncio.gather(*(later(i) for i in range(4))) == [[0], [10], [20], [30]]
    assert store.writes == [[0, 1, 2, 3]]


async def test_without_a_window_callers_one_after_the_other_write_alone() -> None:
    store = Store()
    coalescer = Coalescer(store.write)
    for i in range(3):
        await coalescer.submit([i])
    assert store.writes == [[0], [1], [2]]
