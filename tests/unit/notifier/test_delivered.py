"""Sent, then delivered: the real `Deliverer` and receipt handling over fakes of their ports.
A channel whose answer is the recipient's own (a team's webhook, the local sink) makes a sent
notification delivered at once; an SMS provider's receipt does it later; an email stops at sent;
an undelivered receipt goes to ops, and a receipt for what was never sent is refused."""

import pytest

from services.notifier.domain.notification import Status
from services.notifier.service_layer.receipts import NotSent, Receipt, take_receipt
from tests.unit.notifier.builders import pending_notification
from tests.unit.notifier.fakes import FakeChannel, FakeDocuments, FakeOutcomes
from tests.unit.notifier.test_delivery import NOON, World


async def test_a_channel_that_is_the_recipient_makes_it_delivered_with_the_send() -> None:
    world = World(FakeChannel(confirms_delivery=True))
    done = await world.deliver(pending_notification(at=NOON))
    assert done.status is Status.SENT
    assert world.outcomes.delivered == [(done.id, "recipient")]

    await world.deliver(done)  # redelivered after a crash: nothing new
    assert world.outcomes.delivered == [(done.id, "recipient")]


async def test_a_provider_or_a_mail_server_accepting_is_only_sent() -> None:
    world = World(FakeChannel(confirms_delivery=False))
    done = await world.deliver(pending_notification(at=NOON))
    assert done.status is Status.SENT
    assert world.outcomes.published == [done]
    assert world.outcomes.delivered == []


async def test_a_delivery_receipt_makes_a_sent_notification_delivered() -> None:
    world = World(FakeChannel())
    sent = await world.deliver(pending_notification(at=NOON))
    taken = await take_receipt(world.store, world.outcomes, sent.id, Receipt(True, NOON))
    assert taken == sent
    assert world.outcomes.delivered == [(sent.id, "provider_receipt")]
    assert world.outcomes.dead_letters == []


async def test_an_undelivered_receipt_goes_to_ops_not_to_the_timeline() -> None:
    world = World(FakeChannel())
    sent = await world.deliver(pending_notification(at=NOON))
    receipt = Receipt(False, NOON, "handset off")
    await take_receipt(world.store, world.outcomes, sent.id, receipt)
    assert world.outcomes.delivered == []
    assert [(n.id, n.error) for n in world.outcomes.dead_letters] == [
        (sent.id, "undelivered: handset off")
    ]
    assert world.outcomes.published == [sent]  # no second outcome event for the agent


async def test_a_receipt_for_an_unknown_or_unsent_notification_is_refused() -> None:
    store, outcomes = FakeDocuments(), FakeOutcomes()
    assert await take_receipt(store, outcomes, "nope", Receipt(True, NOON)) is None
    pending = pending_notification(at=NOON)
    await store.save(pending)
    with pytest.raises(NotSent):
        await take_receipt(store, outcomes, pending.id, Receipt(True, NOON))
    assert outcomes.delivered == []
