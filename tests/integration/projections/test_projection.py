"""The worker folds events from the real broker into views in the real store."""

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.views import load_view
from services.projections.entrypoints.runner import source_topics
from services.projections.service_layer.queries import Queries
from shared.events import EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import caught_up, eventually, publish, store_of, worker
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration


async def test_events_become_one_view_and_a_timeline(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    story = [
        (catalog.contacts, ev.created(cid, 0, phones=["+989121234567"])),
        (catalog.interactions, ev.purchase(cid, 1, 1000)),
        (catalog.interactions, ev.purchase(cid, 2, 3000)),
        (catalog.interactions, ev.call(cid, 3)),
        (
            catalog.interactions,
            ev.interaction(
                EventType.COMPLAINT_OPENED,
                cid,
                4,
                complaint_id="K1",
                severity="low",
                subject="late",
            ),
        ),
        (catalog.notifications, ev.notification_sent(cid, 5)),
    ]
    positions = [await publish(producer, topic, event) for topic, event in story]
    async with worker(settings, db, producer):
        store = await eventually(lambda: store_of(db), lambda s: True, "store")
        await eventually(lambda: caught_up(store, positions), bool, "catch up")
    view = await load_view(db, cid, now=ev.T0)
    assert view is not None
    assert view.profile.name == "Sara Ahmadi"
    assert view.kpis.purchase_count == 2
    assert view.kpis.total_spent == {"USD": 4000}
    assert view.kpis.average_order_value == {"USD": 2000}
    assert view.kpis.by_channel == {"phone": 1}
    assert [c.complaint_id for c in view.kpis.open_complaints] == ["K1"]
    assert view.kpis.notifications == {"sent": 1}
    assert view.version == len(story)
    page = await Queries(db, source_topics(catalog)).timeline(cid, 4, None, None)
    assert page is not None
    assert page.next_cursor is not None
    rest = await Queries(db, source_topics(catalog)).timeline(cid, 10, page.next_cursor, None)
    assert rest is not None
    assert rest.next_cursor is None
    shown = [e.id for _, e in page.items + rest.items]
    assert shown == [e.id for _, e in reversed(story)]
