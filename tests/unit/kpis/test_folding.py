"""The KPI worker's handler over a fake store: exact figures, any batching, crashes mid-batch."""

import random
from collections import Counter

import pytest
from aiokafka.structs import ConsumerRecord

from services.kpis.domain.cells import summed
from services.kpis.domain.contributions import contributions
from services.kpis.domain.ranges import DateRange
from services.kpis.service_layer.folding import KpiFolder
from services.kpis.service_layer.ports import StoredFacts
from services.kpis.service_layer.queries import KPI_NAMES, KpiQueries
from shared.consuming import Record
from tests.kpis_history import CHURN_BELOW, HISTORY, QUARTER, check_quarter
from tests.unit.kpis.fakes import TOPICS, FakeDeadLetters, FakeStore, as_records

RECORDS = as_records(HISTORY)


def folder(store: FakeStore, dead: FakeDeadLetters | None = None) -> KpiFolder:
    return KpiFolder(store, TOPICS, dead or FakeDeadLetters(), CHURN_BELOW)


async def answers(store: FakeStore) -> dict[str, dict[str, object]]:
    queries = KpiQueries(store, CHURN_BELOW)
    window = DateRange.of(*QUARTER)
    return {kpi: await queries.answer(kpi, window) for kpi in KPI_NAMES}


def customer_cells(store: FakeStore) -> Counter[str]:
    """Every customer's contributions plus the spend: what the aggregates must hold."""
    cells = summed(contributions(s.facts) for s in store.facts.values())
    for aggregate in store.aggregates.values():
        if aggregate.id.startswith("marketing"):
            cells.update(aggregate.cells)
    return +cells


def aggregate_cells(store: FakeStore) -> Counter[str]:
    return +summed(a.cells for a in store.aggregates.values())


async def test_the_known_history_gives_every_kpi_exactly() -> None:
    store = FakeStore()
    await folder(store).handle(RECORDS)
    got = await answers(store)
    check_quarter(got.__getitem__)


@pytest.mark.parametrize("size", [1, 2, 5, 11])
async def test_batches_of_any_size_give_the_same_aggregates(size: int) -> None:
    whole, batched = FakeStore(), FakeStore()
    await folder(whole).handle(RECORDS)
    for start in range(0, len(RECORDS), size):
        await folder(batched).handle(RECORDS[start : start + size])
    assert aggregate_cells(batched) == aggregate_cells(whole)
    assert aggregate_cells(whole) == customer_cells(whole)


async def test_a_redelivered_batch_counts_nothing_twice() -> None:
    store = FakeStore()
    await folder(store).handle(RECORDS)
    once = aggregate_cells(store)
    await folder(store).handle(RECORDS)
    assert aggregate_cells(store) == once


class CrashingStore(FakeStore):
    """Dies (like kill -9) after writing an aggregate and before writing the facts, at random."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    async def save_facts(self, stored: list[StoredFacts]) -> None:  # type: ignore[override]
        if self.rng.random() < 0.3:
            raise ConnectionError("killed between the aggregate and the facts")
        if stored and self.rng.random() < 0.2:  # or in the middle of the facts
            await super().save_facts(stored[: len(stored) // 2])
            raise ConnectionError("killed while writing the facts")
        await super().save_facts(stored)


@pytest.mark.parametrize("seed", range(25))
async def test_crashes_anywhere_leave_aggregates_equal_to_a_fresh_computation(seed: int) -> None:
    rng = random.Random(seed)
    store = CrashingStore(rng)
    committed = 0  # the log is replayed from the last committed record, in batches of any size
    while committed < len(RECORDS):
        batch = RECORDS[committed : committed + rng.randint(1, 8)]
        try:
            await folder(store).handle(batch)
        except ConnectionError:
            continue
        committed += len(batch)
    fresh = FakeStore()
    await folder(fresh).handle(RECORDS)
    assert aggregate_cells(store) == aggregate_cells(fresh)
    assert aggregate_cells(store) == customer_cells(store)


async def test_an_unreadable_record_goes_to_the_dead_letter_and_the_rest_counts() -> None:
    bad: Record = ConsumerRecord(TOPICS.interactions, 0, 99, 0, 0, b"k", b"{nope", None, 0, 0, [])
    store, dead = FakeStore(), FakeDeadLetters()
    await folder(store, dead).handle([*RECORDS, bad])
    assert [(record.offset, kind) for record, kind in dead.sent] == [(99, "malformed_json")]
    check_quarter((await answers(store)).__getitem__)
