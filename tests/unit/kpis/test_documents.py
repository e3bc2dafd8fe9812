"""Customer facts survive the store exactly: a fold resumed from a document equals one that
never stopped (times keep their microseconds)."""

from services.kpis.adapters.documents import from_document, purchases_of, to_document
from services.kpis.service_layer.folding import KpiFolder
from services.kpis.service_layer.ports import StoredFacts
from tests.kpis_history import CHURN_BELOW, HISTORY, synthetic_year
from tests.unit.kpis.fakes import TOPICS, FakeDeadLetters, FakeStore, as_records


async def test_every_customers_facts_round_trip_through_a_document() -> None:
    store = FakeStore()
    folder = KpiFolder(store, TOPICS, FakeDeadLetters(), CHURN_BELOW)
    await folder.handle(as_records([*HISTORY, *synthetic_year(seed=5, customers=40)]))
    assert len(store.facts) == 45
    for stored in store.facts.values():
        again = from_document(to_document(stored))
        assert again == StoredFacts(stored.facts, dict(stored.positions))
        assert purchases_of(to_document(stored)) == stored.facts.purchases
