"""Publishing claimed events: resolve each customer, send all, await all acks, keep receipts."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from services.interactions import metrics
from services.interactions.domain.acceptance import (
    NO_CUSTOMER,
    Accepted,
    Outcome,
    Prepared,
    Unavailable,
    stamp,
)
from services.interactions.domain.claims import Claim, Receipt
from services.interactions.domain.rejection import Rejection
from services.interactions.service_layer.ports import (
    CustomerResolver,
    InteractionLog,
    Ledger,
    Unidentified,
)
from shared.events import FieldError
from shared.events.marketing import MarketingSpendReported
from shared.logging import get_logger
from shared.position import Position

log = get_logger(__name__)


class Publishing:
    def __init__(
        self,
        customers: CustomerResolver,
        interaction_log: InteractionLog,
        ledger: Ledger,
        clock: Callable[[], datetime],
    ) -> None:
        self.customers = customers
        self.interaction_log = interaction_log
        self.ledger = ledger
        self.clock = clock
        self._keeping: set[asyncio.Task[None]] = set()

    async def run(self, claimed: Sequence[tuple[Prepared, Claim]]) -> list[Outcome]:
        """Outcomes in the order given, as soon as the broker has answered. Claims of events
        that were not published are released first (so a retry publishes them); receipts of the
        published ones are written in the background (a copy arriving before waits for them)."""
        if not claimed:
            return []
        with metrics.STAGE_SECONDS.labels("resolve").time():
            customers = await self._resolve_all([p for p, _ in claimed])
        ready = [
            stamp(prepared, customer)
            for (prepared, _), customer in zip(claimed, customers, strict=True)
            if isinstance(customer, str)
        ]
        with metrics.STAGE_SECONDS.labels("publish").time():
            try:
                written: list[Position | Exception] = await self.interaction_log.publish(ready)
            except Exception as exc:
                written = [exc] * len(ready)
        where = iter(written)
        outcomes = [
            customer if not isinstance(customer, str) else _answer(p.id, customer, next(where))
            for (p, _), customer in zip(claimed, customers, strict=True)
        ]
        await self._release(claimed, outcomes)
        task = asyncio.create_task(self._keep(claimed, outcomes))
        self._keeping.add(task)
        task.add_done_callback(self._keeping.discard)
        return outcomes

    async def _resolve_all(self, items: list[Prepared]) -> list[str | Rejection | Unavailable]:
        """Each event's customer; marketing spend is about a channel and names none."""
        about_customers = [p for p in items if not isinstance(p.event, MarketingSpendReported)]
        resolved = iter(await self._resolve_customers(about_customers) if about_customers else [])
        return [
            NO_CUSTOMER if isinstance(p.event, MarketingSpendReported) else next(resolved)
            for p in items
        ]

    async def _resolve_customers(
        self, items: list[Prepared]
    ) -> list[str | Rejection | Unavailable]:
        """One request for the batch, one block per distinct `customer`: a batch often names a
        customer often."""
        distinct: dict[bytes, Prepared] = {}
        for prepared in items:
            distinct.setdefault(prepared.customer_key(), prepared)
        try:
            refs = [
                p.event.data.customer
                for p in distinct.values()
                if not isinstance(p.event, MarketingSpendReported)  # filtered out before
            ]
            found = await self.customers.resolve(refs)
        except Exception as exc:
            log.warning("identity resolution failed", events=len(items), error=str(exc))
            return [Unavailable(p.id, f"identity resolution failed: {exc}") for p in items]
        answers = [
            _customer_or_rejection(a, p) for a, p in zip(found, distinct.values(), strict=True)
        ]
        by_key = dict(zip(distinct, answers, strict=True))
        return [_for_event(by_key[p.customer_key()], p.id) for p in items]

    async def drain(self) -> None:
        """Wait for the receipts still being written (on shutdown)."""
        while self._keeping:
            await asyncio.gather(*self._keeping, return_exceptions=True)

    async def _keep(
        self, claimed: Sequence[tuple[Prepared, Claim]], outcomes: Sequence[Outcome]
    ) -> None:
        now = self.clock()
        receipts = [
            Receipt(o.id, claim.fingerprint, o.customer_id, o.position, now, claim.source)
            for (_, claim), o in zip(claimed, outcomes, strict=True)
            if isinstance(o, Accepted)
        ]
        if receipts and not await _retried(lambda: self.ledger.record(receipts)):
            # The events are in the log: they stay accepted. A copy of one of them waits for
            # its claim to turn stale, publishes it again, and readers drop the second record.
            log.error("writing receipts failed", count=len(receipts))

    async def _release(
        self, claimed: Sequence[tuple[Prepared, Claim]], outcomes: Sequence[Outcome]
    ) -> None:
        unpublished = [
            claim
            for (_, claim), o in zip(claimed, outcomes, strict=True)
            if not isinstance(o, Accepted)
        ]
        if unpublished and not await _retried(lambda: self.ledger.release(unpublished)):
            # A copy waits for these claims to turn stale, then publishes.
            log.error("releasing claims failed", count=len(unpublished))


async def _retried(write: Callable[[], Awaitable[None]]) -> bool:
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(4), wait=wait_exponential(0.05, max=1), reraise=True
        ):
            with attempt:
                await write()
    except Exception as exc:
        log.warning("ledger write failed", error=str(exc))
        return False
    return True


def _answer(event_id: str, customer_id: str, written: Position | Exception) -> Outcome:
    if isinstance(written, Position):
        return Accepted(event_id, customer_id, written.encode())
    return Unavailable(event_id, f"the broker did not acknowledge: {written}")


def _customer_or_rejection(answer: str | Unidentified, prepared: Prepared) -> str | Rejection:
    if isinstance(answer, str):
        return answer
    return Rejection(
        "no_usable_identifier",
        "the customer cannot be identified from this event",
        (FieldError(f"data.{answer.field}", answer.reason),),
        prepared.id,
    )


def _for_event(
    answer: str | Rejection | Unavailable, event_id: str
) -> str | Rejection | Unavailable:
    """A shared resolution's answer, naming this event."""
    if isinstance(answer, Rejection):
        return answer.for_event(event_id)
    if isinstance(answer, Unavailable):
        return Unavailable(event_id, answer.reason)
    return answer
