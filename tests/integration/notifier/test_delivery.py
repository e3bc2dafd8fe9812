"""Delivery against the real store, the real broker and real local receivers (HTTP and SMTP)."""

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

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
from services.notifier.domain.notification import Notification, Status
from services.notifier.domain.signature import verify
from services.notifier.service_layer.delivery import Deliverer, utc_now
from services.notifier.service_layer.webhook_keys import Keyring
from shared.events import EventType, decode_event
from shared.kafka import make_consumer
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver
from tests.unit.notifier.builders import pending_notification

pytestmark = pytest.mark.integration

RULES_YAML = """
delivery: {{max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms}}
channels:
  email: {{host: 127.0.0.1, port: {smtp}}}
  sms: {{url: "{sms}", token: tok}}
teams:
  support: {{webhook: "{support}"}}
templates:
  t: {{subject: "Hello", body: "Body"}}
rules:
  - id: r
    when: {{event: c360.interaction.purchase}}
    action: {{template: t, target: customer}}
"""


@dataclass
class Harness:
    """The deliverer under test, with the contacts its lookup answers from."""

    deliverer: Deliverer
    store: NotifierStore
    contacts: dict[str, Contact] = field(default_factory=dict)

    async def deliver(self, notification: Notification, partition: int) -> Notification:
        return await self.deliverer.deliver(notification, partition)


@pytest.fixture
async def deliver(
    catalog: Topics,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    http: HttpReceiver,
    smtp: SmtpReceiver,
    settings: Settings,
) -> AsyncIterator[Harness]:
    rules = parse_rules(
        RULES_YAML.format(smtp=smtp.port, sms=http.url("/sms"), support=http.url("/support")), {}
    )
    store = NotifierStore(db)
    contacts: dict[str, Contact] = {}

    async def lookup(customer_id: str) -> Contact | None:
        return contacts.get(customer_id)

    keyring = Keyring(MongoTeamKeys(db), settings.webhook_secret.get_secret_value(), utc_now)
    async with httpx.AsyncClient(timeout=5) as client:
        channels = make_channels(rules, keyring, client)
        deliverer = Deliverer(rules, store, channels, Outcomes(producer, catalog), lookup)
        yield Harness(deliverer, store, contacts)


async def outcome_events(
    settings: Settings, topic: str, expected: int
) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = make_consumer(settings, f"check-{uuid.uuid4().hex[:6]}", topic)
    await consumer.start()
    try:
        found: list[ConsumerRecord[bytes, bytes]] = []
        while len(found) < expected:
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, f"only {len(found)} of {expected} records on {topic}"
            found += [r for records in batch.values() for r in records]
        return found
    finally:
        await consumer.stop()


async def test_a_receiver_answering_500_then_200_gets_one_delivery(
    deliver: Harness, http: HttpReceiver, settings: Settings, catalog: Topics
) -> None:
    http.answers["/support"] = [500]
    claimed = await deliver.store.claim(pending_notification("team:support"))
    done = await deliver.deliver(claimed, 0)
    assert (done.status, done.attempts, done.published) == (Status.SENT, 2, True)
    assert [r.status for r in http.requests] == [500, 200]
    assert {r.notification_id for r in http.requests} == {claimed.id}
    accepted = http.accepted("/support")
    assert len(accepted) == 1
    secret = settings.webhook_secret.get_secret_value()
    assert verify(secret, accepted[0].body, accepted[0].headers["C360-Signature"], int(time.time()))
    assert accepted[0].json["notification_id"] == claimed.id
    # the team's own endpoint answered: sent, then delivered
    sent, delivered = await outcome_events(settings, catalog.notifications, 2)
    events = [decode_event(r.value) for r in (sent, delivered)]
    assert [(e.type, e.id, r.key) for e, r in zip(events, (sent, delivered), strict=True)] == [
        ("c360.notification.sent", f"{claimed.id}:sent", b"c1"),
        ("c360.notification.delivered", f"{claimed.id}:delivered", b"c1"),
    ]


async def test_a_notification_recorded_as_sent_is_never_sent_again(
    deliver: Harness, http: HttpReceiver
) -> None:
    first = await deliver.deliver(
        await deliver.store.claim(pending_notification("team:support")), 0
    )
    again = await deliver.store.claim(first.model_copy(update={"status": Status.PENDING}))
    assert again.status is Status.SENT  # the stored record wins over a re-decided one
    await deliver.deliver(again, 0)
    assert len(http.requests) == 1


async def test_after_the_last_retry_it_fails_and_is_dead_lettered(
    deliver: Harness, http: HttpReceiver, settings: Settings, catalog: Topics
) -> None:
    http.answers["/support"] = [500, 503, 502]
    done = await deliver.deliver(await deliver.store.claim(pending_notification("team:support")), 0)
    assert (done.status, done.attempts) == (Status.FAILED, 3)
    assert "HTTP 502" in (done.error or "")
    [dead] = await outcome_events(settings, catalog.notifications_failed, 1)
    headers = dict(dead.headers)
    assert headers["c360-error-kind"] == b"notification_failed"
    assert headers["c360-notification-id"] == done.id.encode()
    assert (headers["c360-original-topic"], headers["c360-original-offset"]) == (b"t", b"7")
    [record] = await outcome_events(settings, catalog.notifications, 1)
    assert decode_event(record.value).type == EventType.NOTIFICATION_FAILED


async def test_a_client_error_is_not_retried(deliver: Harness, http: HttpReceiver) -> None:
    http.answers["/support"] = [422]
    done = await deliver.deliver(await deliver.store.claim(pending_notification("team:support")), 0)
    assert (done.status, done.attempts, len(http.requests)) == (Status.FAILED, 1, 1)


async def test_email_over_smtp_carries_the_notification_id(
    deliver: Harness, smtp: SmtpReceiver
) -> None:
    deliver.contacts["c1"] = Contact(
        emails=("sara@example.com",), preferred_channel="email", consent={"email": True}
    )
    done = await deliver.deliver(await deliver.store.claim(pending_notification()), 0)
    assert (done.status, done.channel, done.masked_target) == (
        Status.SENT,
        "email",
        "s***@example.com",
    )
    [message] = smtp.messages
    assert message["Message-ID"] == f"<{done.id}@c360.notifier>"
    assert (message["To"], message["Subject"]) == ("sara@example.com", "Hello")


async def test_sms_through_the_provider_api_carries_an_idempotency_key(
    deliver: Harness, http: HttpReceiver
) -> None:
    deliver.contacts["c1"] = Contact(
        phones=("+989121234567",), preferred_channel="sms", consent={"sms": True}
    )
    done = await deliver.deliver(await deliver.store.claim(pending_notification()), 0)
    [request] = http.accepted("/sms")
    assert request.headers["Idempotency-Key"] == done.id
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.json["to"] == "+989121234567"


async def test_without_consent_nothing_is_sent_and_the_suppression_is_recorded(
    deliver: Harness, http: HttpReceiver, smtp: SmtpReceiver, settings: Settings, catalog: Topics
) -> None:
    deliver.contacts["c1"] = Contact(
        emails=("a@b.io",),
        phones=("+989121234567",),
        preferred_channel="sms",
        consent={"sms": False},
    )
    done = await deliver.deliver(await deliver.store.claim(pending_notification()), 0)
    assert (done.status, done.reason) == (
        Status.SUPPRESSED,
        "no consent for sms; no consent for email",
    )
    assert http.requests == []
    assert smtp.messages == []
    stored = await deliver.store.get(done.id)
    assert stored is not None
    assert stored.status is Status.SUPPRESSED
    [record] = await outcome_events(settings, catalog.notifications, 1)
    event = decode_event(record.value)
    assert event.type == EventType.NOTIFICATION_SUPPRESSED
    assert event.data.reason == "no consent for sms; no consent for email"
