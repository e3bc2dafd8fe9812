"""Purchase histories folded from the real broker into the real store: a rebuild from offset 0
into a new generation, twice, gives the same histories, with merges and erasure respected."""

from datetime import date

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.adapters.history_store import MongoHistoryStore, active_generation
from services.analytics.domain.history import PurchaseHistory
from services.analytics.rebuild import rebuild
from shared.events import EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import publish
from tests.unit.analytics.test_service import contact_event, purchase

pytestmark = pytest.mark.integration


def unversioned(histories: dict[str, PurchaseHistory]) -> dict[str, PurchaseHistory]:
    return {c: PurchaseHistory(**{**h.__dict__, "version": 0}) for c, h in histories.items()}


async def test_a_rebuild_folds_the_log_into_a_new_generation_and_switches_to_it(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    for line, (customer, day, cents) in enumerate(
        [("a", 1, 1000), ("a", 1, 500), ("a", 9, 250), ("b", 2, 4000), ("c", 3, 10), ("d", 4, 0)]
    ):
        event = purchase(customer, line, date(2026, 3, day), cents)
        await publish(producer, catalog.interactions, event)
    merge = {"survivor_id": "c_a", "merged_id": "c_b", "reason": "same person"}
    await publish(producer, catalog.contacts, contact_event(EventType.CONTACT_MERGED, "c_a", merge))
    erase = {"customer_id": "c_c", "reason": "asked"}
    await publish(producer, catalog.contacts, contact_event(EventType.CONTACT_ERASED, "c_c", erase))
    await publish(producer, catalog.interactions, purchase("c", 99, date(2026, 3, 5), 10))

    assert await rebuild(settings, switch=True) == "g2"
    assert await active_generation(db) == "g2"
    folded = await MongoHistoryStore(db, "g2").all()
    assert set(folded) == {"c_a", "c_b", "c_c", "c_d"}
    assert folded["c_a"].purchase_days("USD") == {date(2026, 3, 1): 1500, date(2026, 3, 9): 250}
    assert folded["c_a"].absorbed == frozenset({"c_b"})
    assert folded["c_c"].erased
    assert folded["c_c"].orders == {}  # and the purchase after the erasure did not bring it back
    assert folded["c_d"].purchase_days("USD") == {date(2026, 3, 4): 0}
    document = await db["purchase_history_g2"].find_one({"_id": "c_a"})
    assert document is not None
    assert document["days"] == {"USD": {"2026-03-01": 1500, "2026-03-09": 250}}

    assert await rebuild(settings, switch=True) == "g3"
    again = await MongoHistoryStore(db, "g3").all()
    assert unversioned(again) == unversioned(folded)
