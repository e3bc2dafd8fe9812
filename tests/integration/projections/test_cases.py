"""Cases from the real broker into the real store: the worker folds assignments, comments and
status changes into the open case of the view; a retried publish has one effect."""

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.views import load_view
from services.projections.entrypoints.runner import source_topics
from services.projections.service_layer.queries import Queries
from shared.events import Event, EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import caught_up, eventually, publish, store_of, worker
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration


def case(cid: str, kind: EventType, minutes: float, complaint: str, **data: object) -> Event:
    return ev.interaction(kind, cid, minutes, complaint_id=complaint, **data)


async def test_a_worked_case_shows_its_last_owner_its_comments_and_status(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    opened = {"severity": "high", "subject": "late parcel"}
    comment = case(cid, EventType.COMPLAINT_COMMENTED, 3, "K1", comment="courier says Tuesday")
    story = [
        case(cid, EventType.COMPLAINT_OPENED, 0, "K1", **opened),
        case(cid, EventType.COMPLAINT_OPENED, 0, "K2", **opened),
        case(cid, EventType.COMPLAINT_ASSIGNED, 1, "K1", owner="agent-b"),
        case(cid, EventType.COMPLAINT_ASSIGNED, 2, "K1", owner="agent-c"),
        comment,
        comment,  # a retried publish: the same event id again
        case(cid, EventType.COMPLAINT_STATUS_CHANGED, 4, "K1", status="waiting_customer"),
        case(cid, EventType.COMPLAINT_STATUS_CHANGED, 5, "K2", status="closed"),
    ]
    positions = [await publish(producer, catalog.interactions, event) for event in story]
    async with worker(settings, db, producer):
        store = await eventually(lambda: store_of(db), lambda s: True, "store")
        await eventually(lambda: caught_up(store, positions), bool, "catch up")

    view = await load_view(db, cid, now=ev.T0)
    assert view is not None
    [k1] = view.kpis.open_complaints  # K2 was closed: its SLA no longer runs
    assert (k1.complaint_id, k1.owner, k1.status) == ("K1", "agent-c", "waiting_customer")
    assert [c.text for c in k1.comments] == ["courier says Tuesday"]
    assert k1.sla_due_at is not None
    assert k1.sla_due_at.isoformat() == "2026-03-02T09:00:00+00:00"  # high: 24 hours

    page = await Queries(db, source_topics(catalog)).timeline(cid, 20, None, None)
    assert page is not None
    assert [e.summary for _, e in page.items][:3] == [
        "complaint K2 now closed",
        "complaint K1 now waiting_customer",
        "comment on complaint K1: courier says Tuesday",
    ]
