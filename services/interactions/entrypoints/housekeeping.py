"""Background upkeep: forget event ids older than the receipt window."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from services.interactions.adapters.ledger import MongoLedger
from shared.concurrency import within
from shared.logging import get_logger

log = get_logger(__name__)
EVERY_S = 3600.0


async def prune_receipts(ledger: MongoLedger, keep_days: float, stop: asyncio.Event) -> None:
    """Hourly, drop claims and receipts older than `keep_days` (a scan, so not on a hot path),
    then see whether receipts keyed by a bare event id (older versions) remain."""
    while not stop.is_set():
        try:
            dropped = await ledger.prune(datetime.now(UTC) - timedelta(days=keep_days))
            log.info("pruned ingestion receipts", dropped=dropped, keep_days=keep_days)
            await ledger.look_for_bare_id_receipts()
        except Exception as exc:  # the next round tries again; ingestion does not depend on it
            log.warning("pruning receipts failed", error=str(exc))
        with contextlib.suppress(asyncio.TimeoutError):
            await within(stop.wait(), EVERY_S)
