"""Test-only fault point: stop a worker between its two writes so a test can kill -9 it there.

With `C360_PROJECTION_PAUSE_FILE=/some/path`, the first batch writes its timeline buckets, then
creates that file and waits for ever before writing the customers' states. Never set in
production.
"""

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from shared.logging import get_logger

log = get_logger(__name__)
ENV = "C360_PROJECTION_PAUSE_FILE"
BetweenWrites = Callable[[], Awaitable[None]]


def pause_from_env() -> BetweenWrites | None:
    marker = os.environ.get(ENV, "").strip()
    if not marker:
        return None
    reached = asyncio.Event()

    async def pause() -> None:
        if not reached.is_set():
            reached.set()
            await asyncio.to_thread(Path(marker).touch)
            log.warning("fault point reached: timelines written, states not; pausing")
        await asyncio.Event().wait()

    return pause
