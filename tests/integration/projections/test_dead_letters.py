"""Records that are not c360 events go to the dead-letter topic with the reason; the rest go on."""

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.views import load_view
from shared.events import EventType
from shared.kafka import make_consumer
from shared.mongo import Document
from shared.position import Position
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import caught_up, eventually, publish, store_of, worker
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration


async def test_bad_records_are_dead_lettered_and_do_not_stop_the_fold(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    cid = ev.new_customer_id()
    garbage = await producer.send_and_wait(catalog.interactions, b"{not json", key=cid.encode())
    nobody = ev.make_event(
        EventType.NOTE, {"customer": {"phone": "+989121234567"}, "text": "who is this?"}
    )
    await publish(producer, catalog.interactions, nobody, key="")  # no subject, id or key
    after = await publish(producer, catalog.interactions, ev.purchase(cid, 1, 100))
    async with worker(settings, db, producer):
        await eventually(lambda: caught_up_in(db, after), bool, "fold past the bad records")
    view = await load_view(db, cid)
    assert view is not None
    assert view.kpis.purchase_count == 1

    consumer = make_consumer(settings, f"{settings.topic_prefix}dlq-check", catalog.deadletter)
    await consumer.start()
    try:
        letters: list[ConsumerRecord[bytes, bytes]] = []
        while len(letters) < 2:
            batch = await consumer.getmany(timeout_ms=30_000)
            assert batch, f"dead letters missing; got {letters}"
            letters += [r for rs in batch.values() for r in rs]
    finally:
        await consumer.stop()
    kinds = {dict(r.headers)["c360-error-kind"].decode() for r in letters}
    assert kinds == {"malformed_json", "no_customer_id"}
    first = next(r for r in letters if r.value == b"{not json")
    headers = dict(first.headers)
    assert headers["c360-original-topic"].decode() == catalog.interactions
    assert int(headers["c360-original-offset"]) == garbage.offset


async def caught_up_in(db: AsyncDatabase[Document], position: Position) -> bool:
    return await caught_up(await store_of(db), [position])
