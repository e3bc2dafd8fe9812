"""Settling an event id that was claimed before: replay, refuse, wait, or take over."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.interactions import metrics
from services.interactions.domain.acceptance import Accepted
from services.interactions.domain.claims import Claim, Replay, Reused, TakeOver, Wait, decide
from services.interactions.domain.rejection import Rejection, id_reused
from services.interactions.service_layer.ports import Ledger

POLL_S = 0.05


@dataclass(frozen=True)
class Settled:
    """`outcome` is the answer for the copy, or None when the claim is now ours to publish."""

    claim: Claim
    outcome: Accepted | Rejection | None


class ClaimSettler:
    def __init__(
        self, ledger: Ledger, takeover_after_s: float, clock: Callable[[], datetime]
    ) -> None:
        self.ledger = ledger
        self.takeover_after = timedelta(seconds=takeover_after_s)
        self.clock = clock

    async def settle(self, mine: Claim, owner: str) -> Settled:
        """Loop until the id has an answer or becomes ours. Bounded: a claim that never gets a
        receipt turns stale after `takeover_after_s` and is then taken over."""
        waited = False
        while True:
            claim, receipt = await self.ledger.find(mine.event_id)
            decision = decide(mine.fingerprint, claim, receipt, self.clock(), self.takeover_after)
            if isinstance(decision, Replay):
                r = decision.receipt
                return Settled(mine, Accepted(r.event_id, r.customer_id, r.position, True))
            if isinstance(decision, Reused):
                return Settled(mine, id_reused(mine.event_id))
            if isinstance(decision, Wait):
                if not waited:
                    metrics.CLAIM_WAITS.inc()
                    waited = True
                await asyncio.sleep(POLL_S)
                continue
            assert isinstance(decision, TakeOver)
            fresh = Claim(mine.event_id, mine.fingerprint, owner, self.clock())
            if await self.ledger.take_over(decision.stale, fresh):
                metrics.TAKEOVERS.inc()
                return Settled(fresh, None)
