"""An erasure blanks every stored notification of the customer, not only the newest the state
remembers, and leaves other customers' alone; it takes the customer out of the birthday index,
as a changed birthday takes them out of the old day."""

from aiokafka.structs import ConsumerRecord

from services.notifier.domain.evaluation import MAX_REMEMBERED_NOTIFICATIONS
from services.notifier.domain.notification import ERASED_TEXT
from services.notifier.service_layer.delivery import Deliverer
from services.notifier.service_layer.processing import Notifier
from shared.events import Event, EventType
from tests.factories import make_event
from tests.unit.notifier.builders import (
    CUSTOMER,
    T0,
    default_rules,
    pending_notification,
    reachable,
)
from tests.unit.notifier.fakes import FakeChannel, FakeDocuments, FakeOutcomes


def record(offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("c360.contacts", 0, offset, 0, 0, None, b"", None, 0, 0, ())


async def test_every_notification_of_an_erased_customer_is_blanked() -> None:
    store = FakeDocuments()
    many = MAX_REMEMBERED_NOTIFICATIONS + 50
    theirs = [await store.claim(pending_notification(customer=CUSTOMER)) for _ in range(many)]
    other = await store.claim(pending_notification(customer="someone-else"))
    remembered = tuple(n.id for n in theirs[-MAX_REMEMBERED_NOTIFICATIONS:])
    store.states[CUSTOMER] = await store.save_state(reachable(notification_ids=remembered))
    rules = default_rules()
    channels = {"email": FakeChannel()}
    deliverer = Deliverer(rules, store, channels, FakeOutcomes(), lambda c: _none(), lambda: T0)
    notifier = Notifier(rules, store, deliverer, lambda: T0)

    data = {"customer_id": CUSTOMER, "reason": "art. 17"}
    erased = make_event(EventType.CONTACT_ERASED, data, time=T0.isoformat(), subject=CUSTOMER)
    await notifier.handle_events(CUSTOMER, [(record(1), erased)])

    for notification in theirs:
        kept = await store.get(notification.id)
        assert kept is not None
        assert (kept.target, kept.subject, kept.body) == (ERASED_TEXT,) * 3
        assert (kept.rule_id, kept.status) == (notification.rule_id, notification.status)
    assert await store.get(other.id) == other


def notifier_on(store: FakeDocuments) -> Notifier:
    rules = default_rules()
    deliverer = Deliverer(rules, store, {}, FakeOutcomes(), lambda c: _none(), lambda: T0)
    return Notifier(rules, store, deliverer, lambda: T0)


async def test_an_erased_or_changed_birthday_leaves_the_birthday_index() -> None:
    store = FakeDocuments()
    store.states[CUSTOMER] = await store.save_state(reachable())
    notifier = notifier_on(store)

    def contact_event(event_type: EventType, data: dict[str, object]) -> Event:
        data = {"customer_id": CUSTOMER, **data}
        return make_event(event_type, data, time=T0.isoformat(), subject=CUSTOMER)

    born = contact_event(
        EventType.CONTACT_UPDATED, {"version": 2, "changes": {"birthday": "1990-05-01"}}
    )
    await notifier.handle_events(CUSTOMER, [(record(1), born)])
    assert await store.born_on(0, "05-01") == [CUSTOMER]
    fixed = contact_event(
        EventType.CONTACT_UPDATED, {"version": 3, "changes": {"birthday": "1990-06-02"}}
    )
    await notifier.handle_events(CUSTOMER, [(record(2), fixed)])
    assert (await store.born_on(0, "05-01"), await store.born_on(0, "06-02")) == ([], [CUSTOMER])
    erased = contact_event(EventType.CONTACT_ERASED, {"reason": "art. 17"})
    await notifier.handle_events(CUSTOMER, [(record(3), erased)])
    assert await store.born_on(0, "06-02") == []


async def _none() -> None:
    return None
