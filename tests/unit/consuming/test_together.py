"""`together`: concurrent writes that leave nothing running behind a failure; `within`: a time
limit that never drops a cancellation."""

import asyncio

import pytest

from shared.concurrency import together, within


async def test_results_come_back_in_the_order_given() -> None:
    async def after(seconds: float, value: int) -> int:
        await asyncio.sleep(seconds)
        return value

    assert await together([after(0.02, 1), after(0.0, 2), after(0.01, 3)]) == [1, 2, 3]


async def test_a_failure_is_raised_only_once_the_others_have_finished() -> None:
    finished: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(0.05)
        finished.append("slow")

    async def failing() -> None:
        await asyncio.sleep(0)
        raise ConnectionError("store down")

    with pytest.raises(ConnectionError, match="store down"):  # the error itself, not a group
        await together([slow(), failing()])
    assert finished == ["slow"]  # nothing of the failed call is left running


async def test_within_gives_the_result_or_a_timeout() -> None:
    async def after(seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "done"

    assert await within(after(0), 1.0) == "done"
    with pytest.raises(TimeoutError):
        await within(after(1.0), 0.01)


async def test_a_loop_cancelled_just_as_its_awaited_work_completes_stops() -> None:
    """The shutdown of a consumer: its loop waits on short work with a time limit, and the
    cancellation lands at any point of that wait, including the moment the work completes (where
    `asyncio.wait_for` on Python 3.11 returns the result and the loop runs on)."""

    async def short_work() -> int:
        await asyncio.sleep(0)
        return 1

    ran_on: list[int] = []
    escape = asyncio.Event()  # lets a loop that ran on end, so that the test fails, not hangs

    async def consumer_loop() -> None:
        while not escape.is_set():
            await within(short_work(), 1.0)

    for ticks in range(12):  # every point of one wait and of the next
        loop = asyncio.create_task(consumer_loop())
        for _ in range(ticks):
            await asyncio.sleep(0)
        loop.cancel()
        await asyncio.wait({loop}, timeout=1.0)
        if not loop.cancelled():
            ran_on.append(ticks)
    escape.set()
    assert ran_on == []
