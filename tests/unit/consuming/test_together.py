"""`together`: concurrent writes that leave nothing running behind a failure."""

import asyncio

import pytest

from shared.concurrency import together


async def test_results_come_back_in_the_order_given() -> None:
    async def after(seconds: float, value: int) -> int:
        await asyncio.sleep(seconds)
        return value

    assert await together([after(0.02, 1), after(0.0, 2), after(0.01, 3)]) == [1, 2, 3]


async def test_a_failure_cancels_the_rest_before_it_is_raised() -> None:
    finished: list[str] = []
    cancelled: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(1)
            finished.append("slow")
        except asyncio.CancelledError:
            cancelled.append("slow")
            raise

    async def failing() -> None:
        await asyncio.sleep(0)
        raise ConnectionError("store down")

    with pytest.raises(ConnectionError, match="store down"):  # the error itself, not a group
        await together([slow(), failing()])
    assert cancelled == ["slow"]  # already cancelled and finished when the error arrives
    await asyncio.sleep(0.01)
    assert finished == []
