"""Running writes concurrently without leaving any of them behind, and waiting with a time limit
without losing a cancellation.

`asyncio.gather` raises the first failure and lets the other awaitables run on. In a consumer that
retries a failed batch, those leftovers race with the retry: a write computed from an old state
can land after the retry's newer one and undo it. `together` lets every awaitable finish before it
raises, so when it returns or raises, nothing it started is still running.

It waits rather than cancels: a PyMongo operation cancelled while it selects a server can leave
the client's topology lock held for ever (seen with PyMongo 4.20 on Python 3.11), and the others
of a failed batch end soon anyway, each within the store's own timeouts.

`within` is the time limit to use instead of `asyncio.wait_for`, which on Python 3.11 returns the
result, and drops the cancellation, when a task is cancelled just as the awaited work completes:
a consumer loop cancelled at shutdown then runs on for ever.
"""

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def together(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """The results of `awaitables`, run concurrently, in order; if any failed, the first failure
    in that order, raised once all of them have finished."""
    outcomes = await asyncio.gather(*awaitables, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes  # type: ignore[return-value]  # none of them is an exception here


async def within(awaitable: Awaitable[T], seconds: float) -> T:
    """The result of `awaitable`, or TimeoutError after `seconds`; a cancellation of the caller
    always goes through."""
    async with asyncio.timeout(seconds):
        return await awaitable
