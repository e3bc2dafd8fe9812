"""`together`: concurrent writes that leave nothing running behind a failure."""

import asyncio

import pytest

from shared.concurrency import together


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
