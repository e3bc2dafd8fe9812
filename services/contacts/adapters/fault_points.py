"""Test-only fault points: pause the write path at a named step so a test can kill -9 there.

Set `C360_FAULT_PAUSE_AT=committed` (after the commit, before the publish) or `published` (after
the publish, before the snapshot and markers are written). Never set in production.
"""

import asyncio
import os

from services.contacts.adapters.journal import StepHook
from shared.logging import get_logger

log = get_logger(__name__)
ENV = "C360_FAULT_PAUSE_AT"


def pause_hook_from_env() -> StepHook | None:
    step = os.environ.get(ENV, "").strip()
    if not step:
        return None

    async def pause(reached: str) -> None:
        if reached == step:
            log.warning("fault point reached; pausing until killed", step=step)
            await asyncio.Event().wait()

    return pause
