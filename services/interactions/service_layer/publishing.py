"""Publishing claimed events: resolve each customer, send all, await all acks, keep receipts."""

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from services.interactions import metrics
from services.interactions.domain.acceptance import Accepted, Unavailable, stamp
from services.interactions.domain.claims import Claim, Receipt
from services.interactions.domain.rejection import Rejection
from services.interactions.service_layer.ports import InteractionLog, Ledger
from shared.events import FieldError
from shared.events.interactions import InteractionEvent
from shared.identity import IdentityResolver
from shared.logging import get_logger
from shared.position import Position

log = get_logger(__name__)
Outcome = Accepted | Rejection | Unavailable
RESOLVE_CONCURRENCY = 32


class Publishing:
    def __init__(
        self,
        resolver: IdentityResolver,
        interaction_log: InteractionLog,
        ledger: Ledger,
        clock: Callable[[], datetime],
    ) -> None:
        self.resolver = resolver
        self.interaction_log = interaction_log
        self.ledger = ledger
        self.clock = clock
        self._resolving = asyncio.Semaphore(RESOLVE_CONCURRENCY)

    async def run(self, claimed: Sequence[tuple[InteractionEvent, Claim]]) -> list[Outcome]:
        """Outcomes in the order given. Claims of events that were not published are released,
        so that a retry publishes them; receipts are written only after the acknowledgements."""
        if not claimed:
            return []
        customers = await asyncio.gather(*(self._resolve(e) for e, _ in claimed))
        ready = [
            stamp(event, customer)
            for (event, _), customer in zip(claimed, customers, strict=True)
            if isinstance(customer, str)
        ]
        started = time.perf_counter()
        try:
            written: list[Position | Exception] = await self.interaction_log.publish(ready)
        except Exception as exc:
            written = [exc] * len(ready)
        metrics.PUBLISH_SECONDS.observe(time.perf_counter() - started)
        where = iter(written)
        outcomes = [
            customer if not isinstance(customer, str) else _answer(event, customer, next(where))
            for (event, _), customer in zip(claimed, customers, strict=True)
        ]
        await self._keep(claimed, outcomes)
        return outcomes

    async def _resolve(self, event: InteractionEvent) -> str | Rejection | Unavailable:
        async with self._resolving:
            try:
                return (await self.resolver.resolve(event.data.customer)).customer_id
            except ValueError as exc:  # an identifier that cannot be normalised or is unknown
                field = f"data.{getattr(exc, 'field', 'customer')}"
                reason = str(getattr(exc, "reason", exc))
                return Rejection(
                    "no_usable_identifier",
                    "the customer cannot be identified from this event",
                    (FieldError(field, reason),),
                    event.id,
                )
            except Exception as exc:
                log.warning("identity resolution failed", event_id=event.id, error=str(exc))
                return Unavailable(event.id, f"identity resolution failed: {exc}")

    async def _keep(
        self, claimed: Sequence[tuple[InteractionEvent, Claim]], outcomes: Sequence[Outcome]
    ) -> None:
        now = self.clock()
        receipts = [
            Receipt(o.id, claim.fingerprint, o.customer_id, o.position, now)
            for (_, claim), o in zip(claimed, outcomes, strict=True)
            if isinstance(o, Accepted)
        ]
        unpublished = [
            claim
            for (_, claim), o in zip(claimed, outcomes, strict=True)
            if not isinstance(o, Accepted)
        ]
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(4), wait=wait_exponential(0.05, max=1), reraise=True
            ):
                with attempt:
                    if receipts:
                        await self.ledger.record(receipts)
                    if unpublished:
                        await self.ledger.release(unpublished)
        except Exception as exc:
            # The events are in the log already: they stay accepted. A retry of one of them
            # waits for its claim to turn stale, publishes it again, and readers drop the copy.
            log.error("keeping receipts failed", count=len(receipts), error=str(exc))


def _answer(
    event: InteractionEvent, customer_id: str, written: Position | Exception
) -> Accepted | Unavailable:
    if isinstance(written, Position):
        return Accepted(event.id, customer_id, written.encode())
    return Unavailable(event.id, f"the broker did not acknowledge: {written}")
