"""The per-customer unit of work on the real store and broker: fold, evaluate, deliver, defer."""

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.adapters.outcomes import Outcomes
from services.notifier.adapters.rules_file import parse_rules
from services.notifier.adapters.store import NotifierStore
from services.notifier.adapters.webhook_keys import MongoTeamKeys
from services.notifier.bootstrap import make_channels
from services.notifier.domain.customer import Contact
from services.notifier.domain.notification import Status
from services.notifier.service_layer.delivery import Deliverer
from services.notifier.service_layer.processing import Item, Notifier
from services.notifier.service_layer.timers import TimerRunner
from services.notifier.service_layer.webhook_keys import Keyring
from shared.events import Event, EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import contact_created, interaction
from tests.factories import make_event
from tests.integration.notifier.receivers import SmtpReceiver

pytestmark = pytest.mark.integration

RULES = """
channels:
  email: {{host: 127.0.0.1, port: {smtp}}}
templates:
  welcome: {{subject: "Welcome", body: "Order {{event.order_id}}"}}
  late: {{subject: "Still open: {{event.complaint_id}}", body: "{{event.status}}"}}
rules:
  - id: sla-reminder
    when: {{timer: complaint.sla_due, before_deadline: 15m}}
    action: {{template: late, target: customer}}
  - id: welcome
    when:
      event: c360.interaction.purchase
      conditions: [{{field: customer.purchase_count, eq: 1}}]
    action: {{template: welcome, target: customer}}
    quiet_hours: {{start: "21:00", end: "08:00"}}
"""


# partition 0's log applied as far as it goes: only the clock holds a timer back
APPLIED = {0: datetime.max.replace(tzinfo=UTC)}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def wired(
    catalog: Topics,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    smtp: SmtpReceiver,
    settings: Settings,
) -> AsyncIterator[tuple[Notifier, TimerRunner, Clock]]:
    rules = parse_rules(RULES.format(smtp=smtp.port), {})
    store = NotifierStore(db)
    clock = Clock(datetime(2025, 3, 10, 12, 0, tzinfo=UTC))

    async def from_store(customer_id: str) -> Contact | None:
        return (await store.load_state(customer_id)).contact

    async with httpx.AsyncClient() as client:
        keys = Keyring(MongoTeamKeys(db), settings.webhook_secret.get_secret_value(), clock)
        channels = make_channels(rules, keys, client)
        deliverer = Deliverer(
            rules, store, channels, Outcomes(producer, catalog), from_store, clock
        )
        notifier = Notifier(rules, store, deliverer, clock)
        yield notifier, TimerRunner(rules, store, notifier, deliverer, clock, "t"), clock


def records(topics: Topics, *events: Event) -> list[Item]:
    """Records as the consumer hands them over (contacts first, each at its own offset)."""
    items = []
    for offset, event in enumerate(events):
        topic = topics.contacts if event.type.family == "contact" else topics.interactions
        record = ConsumerRecord(topic, 0, offset, 0, 0, b"k", b"", None, 0, 0, [])
        items.append((record, event))
    return items


async def test_a_contact_and_a_purchase_in_one_batch_reach_the_new_contact(
    wired: tuple[Notifier, TimerRunner, Clock], catalog: Topics, smtp: SmtpReceiver
) -> None:
    notifier, _, _ = wired
    customer = f"c-{uuid.uuid4().hex[:6]}"
    purchase = interaction(
        customer, EventType.PURCHASE, order_id="O-1", amount_minor=10, currency="USD"
    )
    await notifier.handle_events(customer, records(catalog, contact_created(customer), purchase))
    assert [str(m["To"]) for m in smtp.messages] == [f"{customer}@example.com"]


async def test_quiet_hours_defer_the_send_to_a_durable_timer(
    wired: tuple[Notifier, TimerRunner, Clock],
    catalog: Topics,
    smtp: SmtpReceiver,
    db: AsyncDatabase[Document],
) -> None:
    notifier, timers, clock = wired
    clock.now = datetime(2025, 3, 10, 22, 30, tzinfo=UTC)  # 22:30 in UTC: quiet
    customer = f"c-{uuid.uuid4().hex[:6]}"
    purchase = interaction(
        customer, EventType.PURCHASE, order_id="O-1", amount_minor=10, currency="USD"
    )
    await notifier.handle_events(customer, records(catalog, contact_created(customer), purchase))
    assert smtp.messages == []
    [stored] = [d async for d in db["notifier_notifications"].find({})]
    assert stored["status"] == Status.PENDING
    assert stored["deliver_after"] == "2025-03-11T08:00:00Z"

    clock.now += timedelta(hours=1)
    assert await timers.run_due(APPLIED) == 0  # still quiet: nothing due
    clock.now = datetime(2025, 3, 11, 8, 0, 1, tzinfo=UTC)
    assert await timers.run_due(APPLIED) == 1
    assert [str(m["To"]) for m in smtp.messages] == [f"{customer}@example.com"]
    assert await timers.run_due(APPLIED) == 0  # fired once, then removed


async def test_an_erasure_strips_the_stored_notifications_of_the_person(
    wired: tuple[Notifier, TimerRunner, Clock],
    catalog: Topics,
    smtp: SmtpReceiver,
    db: AsyncDatabase[Document],
) -> None:
    notifier, _, _ = wired
    customer = f"c-{uuid.uuid4().hex[:6]}"
    purchase = interaction(
        customer, EventType.PURCHASE, order_id="O-77", amount_minor=10, currency="USD"
    )
    await notifier.handle_events(customer, records(catalog, contact_created(customer), purchase))
    assert len(smtp.messages) == 1
    erased = make_event(
        EventType.CONTACT_ERASED,
        {"customer_id": customer, "reason": "art. 17"},
        subject=customer,
    )
    [item] = records(catalog, erased)
    record = dataclasses.replace(item[0], offset=5)
    await notifier.handle_events(customer, [(record, erased)])

    [stored] = [d async for d in db["notifier_notifications"].find({})]
    assert stored["status"] == Status.SENT  # the fact stays: rule, channel, status, times
    assert stored["target"] == stored["body"] == stored["subject"] == "[erased]"
    assert f"{customer}@example.com" not in str(stored)
    assert "O-77" not in str(stored)


async def test_a_resolved_or_closed_case_stops_its_sla_reminder_and_a_waiting_one_keeps_it(
    wired: tuple[Notifier, TimerRunner, Clock], catalog: Topics, smtp: SmtpReceiver
) -> None:
    notifier, timers, clock = wired
    customer = f"c-{uuid.uuid4().hex[:6]}"
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    opened = [
        interaction(
            customer,
            EventType.COMPLAINT_OPENED,
            complaint_id=cid,
            severity="high",
            subject="late parcel",
            sla_due_at=due.isoformat(),
        )
        for cid in ("K-closed", "K-resolved", "K-waiting")
    ]
    worked = [
        interaction(customer, EventType.COMPLAINT_STATUS_CHANGED, complaint_id=cid, status=status)
        for cid, status in (
            ("K-closed", "closed"),
            ("K-resolved", "resolved"),
            ("K-waiting", "waiting_customer"),
        )
    ]
    await notifier.handle_events(
        customer, records(catalog, contact_created(customer), *opened, *worked)
    )
    clock.now = due
    assert await timers.run_due(APPLIED) == 3  # every timer comes due; two find their case ended
    assert [m["Subject"] for m in smtp.messages] == ["Still open: K-waiting"]
    assert str(smtp.messages[0].get_payload()).strip() == "waiting_customer"


async def test_an_sla_timer_waits_until_its_partition_is_applied_up_to_its_due_time(
    wired: tuple[Notifier, TimerRunner, Clock], catalog: Topics, smtp: SmtpReceiver
) -> None:
    """A resolution logged before the deadline but not folded yet (the worker is behind) must
    not be escalated: the timer waits for the log, not only for the clock."""
    notifier, timers, clock = wired
    customer = f"c-{uuid.uuid4().hex[:6]}"
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    opened = interaction(
        customer,
        EventType.COMPLAINT_OPENED,
        complaint_id="K-1",
        severity="high",
        subject="late parcel",
        sla_due_at=due.isoformat(),
    )
    await notifier.handle_events(customer, records(catalog, contact_created(customer), opened))
    deadline = due - timedelta(minutes=15)
    clock.now = deadline + timedelta(minutes=5)

    assert await timers.run_due({0: deadline - timedelta(seconds=1)}) == 0
    assert await timers.run_due({}) == 0  # a partition whose progress is unknown waits too
    assert smtp.messages == []

    assert await timers.run_due({0: deadline}) == 1
    assert [m["Subject"] for m in smtp.messages] == ["Still open: K-1"]
