"""Accepting touchpoints: claim each event (`source` + `id`), resolve the customer, publish,
keep the answer.

HTTP and the Kafka ingress agent both hand their validated events to `Ingestion.accept`, which
answers per event with `Accepted`, `Rejection` or `Unavailable`, in the order given.
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from services.interactions import metrics
from services.interactions.domain.acceptance import (
    Accepted,
    Intake,
    Outcome,
    Prepared,
    Unavailable,
    prepare,
)
from services.interactions.domain.batch import group_copies
from services.interactions.domain.claims import Claim
from services.interactions.domain.rejection import Rejection, id_reused
from services.interactions.service_layer.claiming import ClaimSettler, Settled
from services.interactions.service_layer.ports import CustomerResolver, InteractionLog, Ledger
from services.interactions.service_layer.publishing import Publishing
from shared.logging import get_logger

log = get_logger(__name__)


def as_replay(outcome: Outcome) -> Outcome:
    if isinstance(outcome, Accepted):
        return Accepted(outcome.id, outcome.customer_id, outcome.position, replayed=True)
    return outcome


class Ingestion:
    def __init__(
        self,
        customers: CustomerResolver,
        interaction_log: InteractionLog,
        ledger: Ledger,
        *,
        takeover_after_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.ledger = ledger
        self.clock = clock
        self.settler = ClaimSettler(ledger, takeover_after_s, clock)
        self.publishing = Publishing(customers, interaction_log, ledger, clock)
        # Events (by key) being accepted by this process right now: a copy awaits the answer.
        self._in_flight: dict[str, tuple[str, asyncio.Future[Outcome]]] = {}

    async def accept(self, events: Sequence[Intake], via: str) -> list[Outcome]:
        """Accept each event once; a copy of an accepted event gets the original answer."""
        if not events:  # e.g. a Kafka poll in which every record was rejected
            return []
        prepared = [prepare(e) for e in events]
        groups = group_copies([(p.key, p.fingerprint) for p in prepared])
        firsts = await self._accept_unique([prepared[g.first] for g in groups])
        outcomes: list[Outcome] = [firsts[0]] * len(events)
        for group, outcome in zip(groups, firsts, strict=True):
            outcomes[group.first] = outcome
            for index in group.same:
                outcomes[index] = as_replay(outcome)
            for index in group.different:
                outcomes[index] = id_reused(events[index].id)
        _count(outcomes, events, via)
        return outcomes

    async def drain(self) -> None:
        """Finish writing receipts of what was accepted (call before closing the store)."""
        await self.publishing.drain()

    async def _accept_unique(self, items: list[Prepared]) -> list[Outcome]:
        followers = {
            i: self._in_flight[p.key] for i, p in enumerate(items) if p.key in self._in_flight
        }
        leading = [i for i in range(len(items)) if i not in followers]
        futures = {i: asyncio.get_running_loop().create_future() for i in leading}
        for i in leading:  # registered before any await, so no copy can slip in between
            self._in_flight[items[i].key] = (items[i].fingerprint, futures[i])
        try:
            led = await self._lead([items[i] for i in leading])
        except Exception as exc:  # an outage answers "retry later", it never loses the request
            log.exception("ingestion failed")
            led = [Unavailable(items[i].id, f"{type(exc).__name__}: {exc}") for i in leading]
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
        finally:
            for i in leading:
                del self._in_flight[items[i].key]
        outcomes: dict[int, Outcome] = {}
        for i, outcome in zip(leading, led, strict=True):
            futures[i].set_result(outcome)
            outcomes[i] = outcome
        for i, (known, future) in followers.items():
            answer = await asyncio.shield(future)
            same = known == items[i].fingerprint
            outcomes[i] = as_replay(answer) if same else id_reused(items[i].id)
        return [outcomes[i] for i in range(len(items))]

    async def _lead(self, items: list[Prepared]) -> list[Outcome]:
        """Claim the ids, settle the ones claimed before, publish the ones that are ours."""
        if not items:
            return []
        owner = uuid.uuid4().hex[:12]
        now = self.clock()
        claims = [Claim(p.id, p.fingerprint, owner, now, p.event.source) for p in items]
        try:
            with metrics.STAGE_SECONDS.labels("claim").time():
                was_taken = await self.ledger.claim(claims)
        except Exception as exc:
            log.warning("claiming event ids failed", error=str(exc))
            return [Unavailable(p.id, f"the store is unavailable: {exc}") for p in items]
        settled = await asyncio.gather(
            *(self.settler.settle(c, owner) for c, t in zip(claims, was_taken, strict=True) if t)
        )
        by_key: dict[str, Settled] = {s.claim.key: s for s in settled}
        ours = [
            (p, by_key[p.key].claim if p.key in by_key else c)
            for p, c in zip(items, claims, strict=True)
            if p.key not in by_key or by_key[p.key].outcome is None
        ]
        published = dict(
            zip((p.key for p, _ in ours), await self.publishing.run(ours), strict=True)
        )
        return [
            published[p.key] if p.key in published else _settled_outcome(by_key[p.key])
            for p in items
        ]


def _settled_outcome(settled: Settled) -> Outcome:
    assert settled.outcome is not None
    return settled.outcome


def _count(outcomes: Sequence[Outcome], events: Sequence[Intake], via: str) -> None:
    kinds: Counter[tuple[str, str]] = Counter()
    for outcome, event in zip(outcomes, events, strict=True):
        if isinstance(outcome, Accepted):
            kinds["replayed" if outcome.replayed else "accepted", event.type.value] += 1
        elif isinstance(outcome, Rejection):
            kinds["rejected", outcome.kind] += 1
        else:
            kinds["unavailable", ""] += 1
    for (what, label), count in kinds.items():  # one metric update per kind, not per event
        if what == "accepted":
            metrics.ACCEPTED.labels(via, label).inc(count)
        elif what == "replayed":
            metrics.REPLAYED.labels(via).inc(count)
        elif what == "rejected":
            metrics.REJECTED.labels(via, label).inc(count)
        else:
            metrics.UNAVAILABLE.labels(via).inc(count)
