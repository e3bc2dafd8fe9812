"""Settling an event id that was claimed before: replay, refuse, wait, or take over."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.interactions import metrics
from services.interactions.domain.acceptance import Accepted, Unavailable
from services.interactions.domain.claims import Claim, Replay, Reused, Wait, decide
from services.interactions.domain.rejection import Rejection, id_reused
from services.interactions.service_layer.ports import Ledger

POLL_S = 0.05
SETTLE_CONCURRENCY = 16
MAX_FAILURES = 6


@dataclass(frozen=True)
class Settled:
    """`outcome` is the answer for the copy, or None when the claim is now ours to publish."""

    claim: Claim
    outcome: Accepted | Rejection | Unavailable | None


class ClaimSettler:
    def __init__(
        self, ledger: Ledger, takeover_after_s: float, clock: Callable[[], datetime]
    ) -> None:
        self.ledger = ledger
        self.takeover_after = timedelta(seconds=takeover_after_s)
        self.clock = clock
        # After a crash a whole poll of claims is settled at once; the store takes them in turn.
        self._settling = asyncio.Semaphore(SETTLE_CONCURRENCY)

    async def settle(self, mine: Claim, owner: str) -> Settled:
        """Loop until the id has an answer or becomes ours. Bounded: a claim that never gets a
        receipt turns stale after `takeover_after_s` and is then taken over; a store that keeps
        failing makes the answer Unavailable."""
        failures = 0
        waited = False
        while True:
            try:
                async with self._settling:
                    settled = await self._step(mine, owner)
                failures = 0
            except Exception as exc:  # the store is busy or down: back off, then give up
                failures += 1
                if failures >= MAX_FAILURES:
                    return Settled(mine, Unavailable(mine.event_id, f"the store failed: {exc}"))
                await asyncio.sleep(POLL_S * 2**failures)
                continue
            if settled is not None:
                return settled
            if not waited:
                metrics.CLAIM_WAITS.inc()
                waited = True
            await asyncio.sleep(POLL_S)

    async def _step(self, mine: Claim, owner: str) -> Settled | None:
        """One look at the claim and receipt; None means wait and look again."""
        claim, receipt = await self.ledger.find(mine)
        if claim is not None and claim.owner == owner and receipt is None:
            return Settled(claim, None)  # inserted by our own attempt that reported a failure
        decision = decide(mine.fingerprint, claim, receipt, self.clock(), self.takeover_after)
        if isinstance(decision, Replay):
            r = decision.receipt
            return Settled(mine, Accepted(r.event_id, r.customer_id, r.position, True))
        if isinstance(decision, Reused):
            return Settled(mine, id_reused(mine.event_id))
        if isinstance(decision, Wait):
            return None
        fresh = Claim(mine.event_id, mine.fingerprint, owner, self.clock(), mine.source)
        if await self.ledger.take_over(decision.stale, fresh):
            metrics.TAKEOVERS.inc()
            return Settled(fresh, None)
        return None  # someone else took it over first: look again
