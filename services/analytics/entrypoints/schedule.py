"""Scheduled work: RFM boundaries and CLV fits on their settings' periods (0 turns one off)."""

import asyncio
from collections.abc import Awaitable, Callable

from services.analytics.domain.model import NotEnoughData
from services.analytics.service_layer.analysis import Analysis
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)


async def every(seconds: float, name: str, work: Callable[[], Awaitable[object]]) -> None:
    """Run `work` every `seconds` (first after one period); a failed run is logged, not fatal."""
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        try:
            await work()
            log.info("scheduled analytics work done", work=name)
        except NotEnoughData as exc:
            log.info("scheduled analytics work skipped", work=name, reason=str(exc))
        except Exception as exc:  # the next period tries again; the service stays up
            log.exception("scheduled analytics work failed", work=name, error=repr(exc))


def scheduled(
    settings: Settings, analysis: Callable[[], Awaitable[Analysis]]
) -> list[Awaitable[None]]:
    async def recompute_rfm() -> object:
        return await (await analysis()).recompute_rfm()

    async def fit_clv() -> object:
        current = await analysis()
        today = current.scorer.clock().date()
        await current.fit_clv(today, settings.analytics_currency, "week")
        return await current.rescore_all()

    return [
        every(settings.analytics_rfm_every_seconds, "rfm-recompute", recompute_rfm),
        every(settings.analytics_clv_fit_every_seconds, "clv-fit", fit_clv),
    ]
