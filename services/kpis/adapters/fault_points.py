"""Test-only fault point: stop the KPI worker between its two writes so a test can kill -9 it.

With `C360_KPIS_PAUSE_FILE=/some/path`, the first batch that changes customers writes its
aggregate, creates that file and waits for ever before writing the customers' facts. Never set
in production.
"""

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from shared.logging import get_logger

log = get_logger(__name__)
ENV = "C360_KPIS_PAUSE_FILE"
BetweenWrites = Callable[[], Awaitable[None]]


def pause_from_env() -> BetweenWrites | None:
    marker = os.environ.get(ENV, "").strip()
    if not marker:
        return None

    async def pause() -> None:
        await asyncio.to_thread(Path(marker).touch)
        log.warning("fault point reached: aggregate written, facts not; pausing")
        await asyncio.Event().wait()

    return pause
