"""Running writes concurrently without leaving any of them behind.

`asyncio.gather` raises the first failure and lets the other awaitables run on. In a consumer that
retries a failed batch, those leftovers race with the retry: a write computed from an old state
can land after the retry's newer one and undo it. `together` cancels the rest on the first failure
and waits for them to finish before it raises, so when it returns or raises, nothing it started is
still running.
"""

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def together(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """The results of `awaitables`, run concurrently, in order; on a failure, its error (the
    first one raised) once every other awaitable has been cancelled and has finished."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(a)) for a in awaitables]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    error = group.exceptions[0]
    return _first(error) if isinstance(error, BaseExceptionGroup) else error
