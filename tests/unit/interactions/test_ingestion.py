"""Ingestion against fakes of its ports: one effect per event id, whatever happens around it."""

import asyncio

import pytest

from services.interactions.domain.acceptance import Accepted, Unavailable, prepare
from services.interactions.domain.claims import Claim
from services.interactions.domain.intake import read_object
from services.interactions.domain.rejection import Rejection
from services.interactions.service_layer.ingestion import Ingestion
from shared.events.interactions import InteractionEvent
from shared.position import Position
from tests.unit.interactions.fakes import Clock, FakeLedger, FakeLog, FakeResolver
from tests.unit.interactions.samples import every_interaction, note, spend

TAKEOVER_S = 30.0


World = tuple[Ingestion, FakeResolver, FakeLog, FakeLedger, Clock]


@pytest.fixture
def world() -> World:
    resolver, log, ledger, clock = FakeResolver(), FakeLog(), FakeLedger(), Clock()
    ingestion = Ingestion(resolver, log, ledger, takeover_after_s=TAKEOVER_S, clock=clock)
    return ingestion, resolver, log, ledger, clock


async def test_an_accepted_event_is_stamped_with_its_customer_and_answered_with_its_position(
    world: World,
) -> None:
    ingestion, _, log, _, _ = world
    [outcome] = await ingestion.accept([read_object(note(phone="+989121234567"))], "http")
    assert isinstance(outcome, Accepted)
    assert outcome.customer_id == "c-+989121234567"
    [written] = log.records
    assert isinstance(written, InteractionEvent)
    assert written.subject == outcome.customer_id
    assert written.data.customer.customer_id == outcome.customer_id
    assert written.data.customer.phone == "+989121234567"
    assert Position.decode(outcome.position) == Position("c360.interactions", 0, 0)


async def test_every_interaction_type_is_accepted_unchanged_apart_from_the_customer(
    world: World,
) -> None:
    ingestion, _, log, _, _ = world
    events = [read_object(e) for e in every_interaction()]
    outcomes = await ingestion.accept(events, "http")
    assert all(isinstance(o, Accepted) for o in outcomes)
    for sent, written in zip(events, log.records, strict=True):
        assert written.data.model_dump(exclude={"customer"}) == sent.data.model_dump(
            exclude={"customer"}
        )


async def test_a_retry_gets_the_original_answer_and_publishes_nothing(world: World) -> None:
    ingestion, _, log, _, _ = world
    event = read_object(note())
    [first] = await ingestion.accept([event], "http")
    [again] = await ingestion.accept([read_object(note(id=event.id))], "kafka")
    assert isinstance(first, Accepted)
    assert isinstance(again, Accepted)
    assert again.replayed
    assert again.public() == first.public()
    assert log.ids() == [event.id]


async def test_the_same_id_with_other_content_is_refused(world: World) -> None:
    ingestion, _, log, _, _ = world
    event = read_object(note(text="one"))
    await ingestion.accept([event], "http")
    [other] = await ingestion.accept([read_object(note(text="two", id=event.id))], "http")
    assert isinstance(other, Rejection)
    assert other.kind == "id_reused"
    assert other.status == 409
    assert log.ids() == [event.id]


async def test_copies_inside_one_batch_share_one_effect(world: World) -> None:
    ingestion, _, log, _, _ = world
    a, b = note(text="a"), note(text="b")
    events = [read_object(x) for x in (a, b, {**a}, {**b, "data": {**b["data"], "text": "c"}})]
    first_a, first_b, copy_a, changed_b = await ingestion.accept(events, "http")
    assert isinstance(first_a, Accepted)
    assert isinstance(first_b, Accepted)
    assert isinstance(copy_a, Accepted)
    assert copy_a.position == first_a.position
    assert isinstance(changed_b, Rejection)
    assert changed_b.kind == "id_reused"
    assert sorted(log.ids()) == sorted([a["id"], b["id"]])


async def test_concurrent_copies_in_one_process_publish_once(world: World) -> None:
    ingestion, _, log, _, _ = world
    log.gate = asyncio.Event()
    event = read_object(note())
    first = asyncio.create_task(ingestion.accept([event], "http"))
    second = asyncio.create_task(ingestion.accept([event], "kafka"))
    await asyncio.sleep(0.01)
    log.gate.set()
    [[a], [b]] = await asyncio.gather(first, second)
    assert isinstance(a, Accepted)
    assert isinstance(b, Accepted)
    assert a.position == b.position
    assert b.replayed
    assert log.ids() == [event.id]


async def test_an_unusable_identifier_is_a_rejection_naming_the_field(world: World) -> None:
    ingestion, _, log, ledger, _ = world
    event = read_object(note(phone="bad"))
    [outcome] = await ingestion.accept([event], "http")
    assert isinstance(outcome, Rejection)
    assert outcome.kind == "no_usable_identifier"
    assert [e.field for e in outcome.errors] == ["data.customer.phone"]
    assert log.records == []
    assert event.id not in ledger.claims


async def test_a_failed_publish_is_unavailable_and_a_retry_publishes_it(world: World) -> None:
    ingestion, _, log, ledger, _ = world
    log.fail_next = 1
    event = read_object(note())
    [outcome] = await ingestion.accept([event], "http")
    assert isinstance(outcome, Unavailable)
    assert event.id not in ledger.claims  # released, so the retry does not wait
    [retry] = await ingestion.accept([event], "http")
    assert isinstance(retry, Accepted)
    assert not retry.replayed
    assert log.ids() == [event.id]


async def test_an_identity_outage_is_unavailable_not_a_rejection(world: World) -> None:
    ingestion, resolver, log, _, _ = world
    resolver.fail_with = ConnectionError("store down")
    [outcome] = await ingestion.accept([read_object(note())], "kafka")
    assert isinstance(outcome, Unavailable)
    assert log.records == []


async def test_a_claim_left_by_a_dead_ingestion_is_taken_over_once_stale(world: World) -> None:
    ingestion, _, log, ledger, clock = world
    event = read_object(note())
    dead = Claim(event.id, prepare(event).fingerprint, "dead-owner", clock.now, event.source)
    ledger.claims[dead.key] = dead
    clock.advance(TAKEOVER_S)
    [outcome] = await ingestion.accept([event], "http")
    assert isinstance(outcome, Accepted)
    assert not outcome.replayed
    assert log.ids() == [event.id]
    assert ledger.claims[dead.key].owner != "dead-owner"


async def test_a_copy_waits_for_a_live_claim_and_replays_its_receipt(world: World) -> None:
    ingestion, _, log, ledger, _ = world
    other_process = Ingestion(FakeResolver(), log, ledger, takeover_after_s=TAKEOVER_S)
    log.gate = asyncio.Event()
    event = read_object(note())
    first = asyncio.create_task(other_process.accept([event], "http"))
    await asyncio.sleep(0.01)  # the other process has claimed the id and is publishing
    second = asyncio.create_task(ingestion.accept([event], "http"))
    await asyncio.sleep(0.1)
    assert not second.done()
    log.gate.set()
    [[a], [b]] = await asyncio.gather(first, second)
    assert isinstance(a, Accepted)
    assert isinstance(b, Accepted)
    assert b.replayed
    assert b.position == a.position
    assert log.ids() == [event.id]


async def test_a_customer_named_many_times_in_a_batch_is_resolved_once(world: World) -> None:
    ingestion, resolver, log, _, _ = world
    events = [read_object(note(phone="09121234567", text=str(i))) for i in range(50)]
    events += [read_object(note(phone="bad"))]
    outcomes = await ingestion.accept(events, "http")
    assert resolver.calls == 2
    assert all(isinstance(o, Accepted) for o in outcomes[:50])
    rejection = outcomes[50]
    assert isinstance(rejection, Rejection)
    assert rejection.event_id == events[50].id
    assert len(log.records) == 50


async def test_nothing_to_accept_is_no_work(world: World) -> None:
    ingestion, _, log, _, _ = world
    assert await ingestion.accept([], "kafka") == []
    assert log.records == []


async def test_marketing_spend_is_accepted_without_a_customer_and_once_per_id(
    world: World,
) -> None:
    ingestion, resolver, log, _, _ = world
    report = spend()
    [outcome] = await ingestion.accept([read_object(report)], "http")
    [again] = await ingestion.accept([read_object(report)], "kafka")
    assert isinstance(outcome, Accepted)
    assert outcome.public()["customer_id"] is None
    assert Position.decode(outcome.position).topic == "c360.marketing"
    assert isinstance(again, Accepted)
    assert again.replayed
    assert log.ids() == [report["id"]]
    assert log.records[0].data.model_dump(mode="json") == report["data"]
    assert resolver.calls == 0


async def test_two_adapters_may_use_the_same_id_and_each_retry_is_one_effect(
    world: World,
) -> None:
    """CloudEvents identify an event by `source` + `id`: the same id from two sources is two
    events, in one batch or in two requests, and a retry of either is answered, not published."""
    ingestion, _, log, _, _ = world
    pbx = note(source="adapters/pbx", text="from the pbx")
    shop = note(source="adapters/shop", id=pbx["id"], text="from the shop")
    both = await ingestion.accept([read_object(pbx), read_object(shop)], "http")
    again = await ingestion.accept([read_object(shop), read_object(pbx)], "kafka")
    assert [isinstance(o, Accepted) and not o.replayed for o in both] == [True, True]
    assert [isinstance(o, Accepted) and o.replayed for o in again] == [True, True]
    assert both[0] != both[1]
    assert sorted((e.source, e.id) for e in log.records) == [
        ("adapters/pbx", pbx["id"]),
        ("adapters/shop", pbx["id"]),
    ]


async def test_concurrent_events_sharing_an_id_from_two_sources_both_publish(
    world: World,
) -> None:
    ingestion, _, log, _, _ = world
    log.gate = asyncio.Event()
    pbx = read_object(note(source="adapters/pbx"))
    shop = read_object(note(source="adapters/shop", id=pbx.id))
    first = asyncio.create_task(ingestion.accept([pbx], "http"))
    second = asyncio.create_task(ingestion.accept([shop], "http"))
    await asyncio.sleep(0.01)
    log.gate.set()
    [[a], [b]] = await asyncio.gather(first, second)
    assert isinstance(a, Accepted)
    assert not a.replayed
    assert isinstance(b, Accepted)
    assert not b.replayed
    assert len(log.records) == 2
