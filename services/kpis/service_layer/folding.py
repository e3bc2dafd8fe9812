"""The KPI worker's batch handler: fold each customer's new records, add the change of their
contributions to their partition's aggregate, then save the facts.

Exactly once without transactions: the aggregate of partition number n (every customer topic's
partition n goes to the same worker, and a customer's records all sit in the same partition
number) is written first, in one guarded write, with its source positions; the customers' facts
after it. After a crash, records the aggregate already counts are folded again without being
counted, so the aggregate always reflects each customer's facts up to its positions.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence

from services.kpis.adapters.records import Read, SourceTopics, read
from services.kpis.domain.cells import Cells, added, difference
from services.kpis.domain.contributions import contributions, spend_cells
from services.kpis.domain.facts import CustomerFacts
from services.kpis.domain.fold import CustomerEvent, apply
from services.kpis.service_layer.ports import Aggregate, KpiStore, StoredFacts
from shared.consuming import DeadLetterSink, Record
from shared.events.marketing import MarketingSpendReported


class KpiFolder:
    """A `BatchHandler`: `handle(records)` raises if the batch could not be applied."""

    def __init__(
        self,
        store: KpiStore,
        topics: SourceTopics,
        dead_letters: DeadLetterSink,
        churn_below: float,
        between_writes: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.topics = topics
        self.dead_letters = dead_letters
        self.churn_below = churn_below
        self.between_writes = between_writes  # a test's fault point, None in production

    async def handle(self, records: Sequence[Record]) -> None:
        reads, unreadable = read(records, self.topics)
        for bad in unreadable:
            await self.dead_letters.reject(bad.record, bad.kind, bad.message)
        groups: defaultdict[str, list[Read]] = defaultdict(list)
        for r in reads:
            group = "marketing" if r.kind == "marketing" else "customers"
            groups[f"{group}-{r.partition}"].append(r)
        for aggregate_id, group_reads in sorted(groups.items()):
            if aggregate_id.startswith("marketing"):
                await self._fold_spend(aggregate_id, group_reads)
            else:
                await self._fold_customers(aggregate_id, group_reads)

    async def _fold_customers(self, aggregate_id: str, reads: list[Read]) -> None:
        aggregate = await self.store.load_aggregate(aggregate_id)
        by_customer: defaultdict[str, list[Read]] = defaultdict(list)
        for r in reads:
            assert r.customer_id is not None
            by_customer[r.customer_id].append(r)
        stored = await self.store.load_facts(list(by_customer))
        delta: Cells = Cells()
        changed = []
        for customer_id, own in by_customer.items():
            before = stored.get(customer_id) or StoredFacts(CustomerFacts(customer_id))
            fresh = [r for r in own if r.offset > before.positions.get(r.kind, -1)]
            if not fresh:
                continue
            counted = [r for r in fresh if r.offset <= aggregate.positions.get(r.kind, -1)]
            uncounted = [r for r in fresh if r.offset > aggregate.positions.get(r.kind, -1)]
            as_counted = self._fold(before.facts, counted)
            after = self._fold(as_counted, uncounted)
            delta.update(difference(contributions(after), contributions(as_counted)))
            changed.append(StoredFacts(after, _advanced(before.positions, fresh)))
        await self._save_aggregate(aggregate, delta, reads)
        if self.between_writes is not None and changed:
            await self.between_writes()
        await self.store.save_facts(changed)

    async def _fold_spend(self, aggregate_id: str, reads: list[Read]) -> None:
        aggregate = await self.store.load_aggregate(aggregate_id)
        delta: Cells = Cells()
        for r in reads:
            if r.offset > aggregate.positions.get(r.kind, -1):
                assert isinstance(r.event, MarketingSpendReported)
                delta.update(spend_cells(r.event.data))
        await self._save_aggregate(aggregate, delta, reads)

    async def _save_aggregate(self, aggregate: Aggregate, delta: Cells, reads: list[Read]) -> None:
        positions = _advanced(aggregate.positions, reads)
        if not delta and positions == aggregate.positions:
            return
        cells = added(aggregate.cells, delta)
        await self.store.save_aggregate(
            Aggregate(aggregate.id, cells, positions, aggregate.version + 1)
        )

    def _fold(self, facts: CustomerFacts, reads: list[Read]) -> CustomerFacts:
        for r in reads:
            assert not isinstance(r.event, MarketingSpendReported)
            event: CustomerEvent = r.event
            facts = apply(facts, event, self.churn_below)
        return facts


def _advanced(positions: Mapping[str, int], reads: Sequence[Read]) -> dict[str, int]:
    out = dict(positions)
    for r in reads:
        out[r.kind] = max(out.get(r.kind, -1), r.offset)
    return out
