"""Waiting for an outcome with a deadline, instead of sleeping a fixed time."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest


async def eventually(check: Callable[[], Awaitable[Any]], what: str, within_s: float = 60.0) -> Any:
    """Poll `check()` until it returns something truthy; fail naming `what` at the deadline."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.1)
    pytest.fail(f"timed out after {within_s}s waiting for {what}")
