"""kill -9 of the notifier: nothing recorded as sent is sent again; SLA timers survive restarts."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.domain.evaluation import notification_id
from shared.events import EventType, decode_event
from shared.kafka import make_consumer
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import (
    caught_up,
    contact_created,
    default_rules_for_tests,
    interaction,
    noon_timezone,
    notifier_process,
    publish,
)
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, eventually

pytestmark = pytest.mark.fault
PURCHASES = 40
EVERY_PURCHASE_TO_SUPPORT = """
delivery: {max_attempts: 5, initial_backoff: 100ms, max_backoff: 1s, concurrency: 4}
channels:
  email: {host: 127.0.0.1, port: 25}
teams:
  support: {webhook: "${C360_SUPPORT_WEBHOOK}"}
templates:
  order: {subject: "order {event.order_id}", body: "{event.amount}"}
rules:
  - id: every-purchase
    when: {event: c360.interaction.purchase}
    action: {template: order, target: "team:support"}
"""


async def statuses(db: AsyncDatabase[Document]) -> dict[str, str]:
    return {d["_id"]: d["status"] async for d in db["notifier_notifications"].find({})}


async def test_kill9_mid_delivery_never_resends_what_was_recorded_as_sent(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(EVERY_PURCHASE_TO_SUPPORT)
    http.delay_s = 0.3  # every delivery is in flight for a while: the kill lands mid-delivery
    run = uuid.uuid4().hex[:6]
    events = [
        interaction(
            f"k9-{run}-{i}",
            EventType.PURCHASE,
            order_id=f"O-{i}",
            amount_minor=100 + i,
            currency="USD",
        )
        for i in range(PURCHASES)
    ]
    expected = {notification_id("every-purchase", e.id, e.source) for e in events}
    await publish(producer, catalog.interactions, *events)

    notifier = notifier_process(settings, rules, http, smtp)
    notifier.start()
    try:

        async def some_recorded_as_sent() -> bool:
            return list((await statuses(db)).values()).count("sent") >= 3

        await eventually(some_recorded_as_sent, "the first deliveries to be recorded")
        notifier.kill9()
        sent_before_kill = {i for i, s in (await statuses(db)).items() if s == "sent"}
        assert 0 < len(sent_before_kill) < PURCHASES, "the kill must land mid-run"
        notifier.start()

        async def all_sent() -> bool:
            found = await statuses(db)
            return set(found) == expected and set(found.values()) == {"sent"}

        await eventually(all_sent, "every notification to be sent after the restart", 240)
        await eventually(lambda: caught_up(settings), "the restarted notifier to commit")
    finally:
        notifier.stop()

    received = Counter(r.notification_id for r in http.accepted())
    assert set(received) == expected, "nothing lost"
    assert all(received[i] == 1 for i in sent_before_kill), "nothing recorded as sent is resent"
    resent = {i for i, n in received.items() if n > 1}
    print(f"sent before kill {len(sent_before_kill)}, received twice {len(resent)}")
    # only deliveries in flight at the kill (accepted, not yet recorded) may arrive twice,
    # with the same notification id for the receiver to deduplicate
    assert len(resent) <= 4, resent
    # a webhook's answer is its delivery: sent and delivered, once each per notification
    outcome_events = await outcome_ids(settings, catalog.notifications, 2 * len(expected))
    assert outcome_events == {f"{i}:{s}" for i in expected for s in ("sent", "delivered")}


async def test_an_sla_timer_fires_after_a_restart(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    customer = f"sla-{uuid.uuid4().hex[:6]}"
    # due 25 s from now (the rule fires 15 min before the deadline): room to see it pending first
    deadline = datetime.now(UTC) + timedelta(minutes=15, seconds=25)
    due = deadline - timedelta(minutes=15)
    notifier = notifier_process(settings, default_rules_for_tests(tmp_path), http, smtp)
    notifier.start()
    try:
        await publish(
            producer, catalog.contacts, contact_created(customer, timezone=noon_timezone())
        )
        await publish(
            producer,
            catalog.interactions,
            interaction(
                customer,
                EventType.COMPLAINT_OPENED,
                complaint_id="K-1",
                severity="medium",
                subject="late",
                sla_due_at=deadline.isoformat(),
            ),
        )
        timer_id = f"sla:complaint-sla-escalation:{customer}:K-1"

        async def timer_stored() -> bool:
            docs = [d async for d in db["notifier_timers"].find({})]
            return any(t["id"] == timer_id for d in docs for t in d["timers"])

        await eventually(timer_stored, "the SLA timer to be stored")

        async def acknowledged() -> bool:
            return list((await statuses(db)).values()) == ["sent"]

        await eventually(acknowledged, "the complaint acknowledgement to be recorded as sent")
        notifier.kill9()
        assert http.accepted("/support") == [], "not due yet when the notifier died"
        await eventually(lambda: datetime.now(UTC) > due + timedelta(seconds=1), "the due time")
        notifier.start()
        await eventually(lambda: http.accepted("/support"), "the escalation after the restart")
        await eventually(lambda: caught_up(settings), "the restarted notifier to commit")
    finally:
        notifier.stop()

    [escalation] = http.accepted("/support")
    assert escalation.json["rule"] == "complaint-sla-escalation"
    assert escalation.json["customer_id"] == customer
    assert "K-1" in escalation.json["subject"]
    assert escalation.notification_id == notification_id("complaint-sla-escalation", timer_id)
    assert len(smtp.messages) == 1, "the acknowledgement was not sent again after the restart"


async def outcome_ids(settings: Settings, topic: str, expected: int) -> set[str]:
    consumer = make_consumer(settings, f"check-{uuid.uuid4().hex[:6]}", topic)
    await consumer.start()
    try:
        found: set[str] = set()
        while len(found) < expected:
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, f"only {len(found)} of {expected} outcome events"
            found |= {decode_event(r.value).id for rs in batch.values() for r in rs}
        return found
    finally:
        await consumer.stop()
