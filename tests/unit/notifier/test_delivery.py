"""The real `Deliverer` over fakes of its ports: routing, retries, permanent failures, quiet
hours and redelivery of a finished notification."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from services.notifier.adapters.rules_file import parse_rules
from services.notifier.domain.customer import Contact
from services.notifier.domain.notification import Notification, Status
from services.notifier.domain.rules import QuietHours
from services.notifier.service_layer.delivery import Deliverer
from services.notifier.service_layer.ports import DeliveryError
from tests.unit.notifier.builders import pending_notification
from tests.unit.notifier.fakes import FakeChannel, FakeDocuments, FakeOutcomes

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
RULES = parse_rules(
    """
delivery: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms}
channels:
  email: {host: 127.0.0.1, port: 2525}
templates:
  t: {subject: "Hello", body: "Body"}
rules:
  - id: r
    when: {event: c360.interaction.purchase}
    action: {template: t, target: customer}
""",
    {},
)
SARA = Contact(emails=("sara@example.com",), consent={"email": True}, timezone="UTC")


@dataclass
class World:
    channel: FakeChannel
    contact: Contact | None = SARA
    store: FakeDocuments = field(default_factory=FakeDocuments)
    outcomes: FakeOutcomes = field(default_factory=FakeOutcomes)

    async def deliver(self, notification: Notification, partition: int = 0) -> Notification:
        async def lookup(customer_id: str) -> Contact | None:
            return self.contact

        async def no_wait(seconds: float) -> None:
            pass

        channels = {"email": self.channel}
        deliverer = Deliverer(
            RULES, self.store, channels, self.outcomes, lookup, lambda: NOON, no_wait
        )
        return await deliverer.deliver(notification, partition)


async def test_a_failed_attempt_is_retried_and_the_outcome_published_once() -> None:
    world = World(FakeChannel(DeliveryError("503 from the provider")))
    done = await world.deliver(pending_notification(at=NOON))
    assert (done.status, done.attempts, done.channel) == (Status.SENT, 2, "email")
    assert [n.id for _, n in world.channel.sent] == [done.id]
    assert world.outcomes.published == [done]
    assert await world.store.get(done.id) == done

    again = await world.deliver(done)  # redelivered after a crash
    assert again == done
    assert len(world.channel.sent) == 1
    assert world.outcomes.published == [done]


async def test_a_permanent_failure_is_dead_lettered_and_not_retried() -> None:
    world = World(FakeChannel(DeliveryError("550 no such mailbox", permanent=True)))
    done = await world.deliver(pending_notification(at=NOON))
    assert (done.status, done.attempts, done.error) == (Status.FAILED, 1, "550 no such mailbox")
    assert [n.id for n in world.outcomes.dead_letters] == [done.id]
    assert world.outcomes.published == [done]
    assert world.channel.sent == []


async def test_no_consented_channel_suppresses_and_quiet_hours_defer() -> None:
    refused = Contact(emails=("x@example.com",), consent={"email": False})
    unreachable = World(FakeChannel(), contact=refused)
    suppressed = await unreachable.deliver(pending_notification(at=NOON))
    assert suppressed.status is Status.SUPPRESSED
    assert suppressed.reason
    assert unreachable.outcomes.published == [suppressed]

    quiet = World(FakeChannel())
    deferred = await quiet.deliver(
        pending_notification(at=NOON, quiet_hours=QuietHours(start=time(9), end=time(17))), 3
    )
    assert deferred.status is Status.PENDING
    assert deferred.deliver_after is not None
    assert deferred.deliver_after > NOON
    timers = quiet.store.timers.by_partition[3]
    assert [t.notification_id for t in timers.values()] == [deferred.id]
    assert quiet.channel.sent == []
    assert quiet.outcomes.published == []
