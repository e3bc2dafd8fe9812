"""The shipped rules, end to end: the notifier process, the real broker and store, local
HTTP and SMTP receivers. Each default rule fires once for its trigger and not otherwise."""

import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

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
    local_today,
    noon_timezone,
    notifier_process,
    publish,
    running,
)
from tests.infra import REPO
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, eventually
from tests.processes import settings_env

pytestmark = pytest.mark.e2e


def ids(prefix: str) -> dict[str, str]:
    run = uuid.uuid4().hex[:6]
    names = ["ack", "high", "angry", "happy", "buyer", "sla", "resolved", "bday", "noconsent"]
    return {name: f"{prefix}-{name}-{run}" for name in names}


async def test_each_default_rule_fires_once_for_its_trigger_and_not_otherwise(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    c = ids("e2e")
    tz = noon_timezone()
    now = datetime.now(UTC)
    contacts = [
        contact_created(c["ack"], timezone=tz),
        contact_created(c["high"], preferred="sms", timezone=tz),
        contact_created(c["angry"], timezone=tz),
        contact_created(c["happy"], timezone=tz),
        contact_created(c["buyer"], timezone=tz),
        contact_created(c["sla"], timezone=tz),
        contact_created(c["resolved"], timezone=tz),
        contact_created(c["bday"], timezone=tz, birthday=local_today(tz).replace(year=1990)),
        contact_created(c["noconsent"], timezone=tz, consent={"email": False}),
    ]
    sla_due = (now + timedelta(minutes=15, seconds=6)).isoformat()
    complaint = EventType.COMPLAINT_OPENED
    interactions = [
        interaction(c["ack"], complaint, complaint_id="K-A", severity="low", subject="late"),
        interaction(c["high"], complaint, complaint_id="K-H", severity="high", subject="broken"),
        interaction(c["angry"], EventType.SURVEY_RESPONSE, csat=1),
        interaction(c["happy"], EventType.SURVEY_RESPONSE, csat=5),
        interaction(
            c["buyer"], EventType.PURCHASE, order_id="O-1", amount_minor=60_000, currency="USD"
        ),
        interaction(
            c["buyer"], EventType.PURCHASE, order_id="O-2", amount_minor=100, currency="USD"
        ),
        interaction(c["buyer"], EventType.CALL, direction="inbound", duration_seconds=60),
        interaction(
            c["sla"],
            complaint,
            complaint_id="K-S",
            severity="medium",
            subject="slow",
            sla_due_at=sla_due,
        ),
        interaction(
            c["resolved"],
            complaint,
            complaint_id="K-R",
            severity="medium",
            subject="slow",
            sla_due_at=sla_due,
        ),
        interaction(
            c["resolved"], EventType.COMPLAINT_RESOLVED, complaint_id="K-R", resolution="refunded"
        ),
        interaction(c["noconsent"], complaint, complaint_id="K-N", severity="low", subject="late"),
    ]
    notifier = notifier_process(settings, default_rules_for_tests(tmp_path), http, smtp)
    with running(notifier):
        await publish(producer, catalog.contacts, *contacts)
        await publish(producer, catalog.interactions, *interactions)
        await eventually(lambda: caught_up(settings), "the notifier to commit every record")
        # the SLA timer (due ~6 s after publishing) fires without any further event
        await eventually(lambda: http.accepted("/support")[1:], "the SLA escalation", 180)
        # K-S fired and K-R was dropped (resolved); complaints without `sla_due_at` wait for
        # the rule's default SLA of their severity (days away)
        waiting = {
            f"sla:complaint-sla-escalation:{c[n]}:K-{k}"
            for n, k in (("ack", "A"), ("high", "H"), ("noconsent", "N"))
        }

        async def only_default_sla_timers_wait() -> bool:
            return await _pending_timers(db) == waiting

        await eventually(only_default_sla_timers_wait, "K-S to fire and K-R to be dropped")
        await eventually(lambda: caught_up(settings), "the notifier to settle")

    stored = [d async for d in db["notifier_notifications"].find({})]
    fired = Counter((d["rule_id"], d["customer_id"], d["status"]) for d in stored)
    assert fired == Counter(
        {
            ("complaint-ack", c["ack"], "sent"): 1,
            ("complaint-ack", c["high"], "sent"): 1,
            ("complaint-high-severity", c["high"], "sent"): 1,
            ("angry-customer", c["angry"], "sent"): 1,
            ("welcome-first-purchase", c["buyer"], "sent"): 1,
            ("high-value-purchase", c["buyer"], "sent"): 1,
            ("complaint-ack", c["sla"], "sent"): 1,
            ("complaint-sla-escalation", c["sla"], "sent"): 1,
            ("complaint-ack", c["resolved"], "sent"): 1,
            ("birthday-greeting", c["bday"], "sent"): 1,
            ("complaint-ack", c["noconsent"], "suppressed"): 1,
        }
    ), notifier.log_tail()

    sent_ids = {d["_id"] for d in stored if d["status"] == "sent"}
    delivered = [r.notification_id for r in http.accepted()] + smtp.ids()
    assert Counter(delivered) == Counter(sent_ids), "each sent notification arrives exactly once"
    by_path = Counter(r.path for r in http.accepted())
    assert by_path == {"/support": 2, "/account-managers": 1, "/sms": 1}
    emails = {str(m["To"]) for m in smtp.messages}
    assert emails == {f"{c[n]}@example.com" for n in ("ack", "buyer", "sla", "resolved", "bday")}

    # every webhook and SMS that arrived (the test's receiver stands for the phone) is also
    # delivered; the emails stop at sent
    outcomes = await _outcome_types(settings, catalog.notifications, len(stored) + 4)
    assert Counter(outcomes.values()) == {
        "c360.notification.sent": 10,
        "c360.notification.delivered": 4,
        "c360.notification.suppressed": 1,
    }
    [suppressed] = [d for d in stored if d["status"] == "suppressed"]
    assert suppressed["reason"] == "no consent for email; no consent for sms"


async def _pending_timers(db: AsyncDatabase[Document]) -> set[str]:
    docs = [d async for d in db["notifier_timers"].find({})]
    return {t["id"] for d in docs for t in d["timers"]}


async def _outcome_types(settings: Settings, topic: str, expected: int) -> dict[str, str]:
    consumer = make_consumer(settings, f"check-{uuid.uuid4().hex[:6]}", topic)
    await consumer.start()
    try:
        found: dict[str, str] = {}
        while len(found) < expected:
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, f"only {len(found)} of {expected} outcome events"
            for records in batch.values():
                for record in records:
                    event = decode_event(record.value)
                    found[event.id] = event.type.value
        return found
    finally:
        await consumer.stop()


def test_an_invalid_rules_file_stops_startup_with_a_clear_error(
    settings: Settings, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    text = default_rules_for_tests(tmp_path).read_text()
    rules.write_text(
        text.replace("event: c360.interaction.survey.response", "event: c360.interaction.survey")
        .replace("{field: event.amount_minor, gte: 50000}", "{field: event.amount, gte: 50000}")
        .replace("throttle: 1d", "throttle: one day")
    )
    env = settings_env(settings, C360_NOTIFIER_RULES_PATH=str(rules), C360_NOTIFIER_PORT="1")
    done = subprocess.run(
        [sys.executable, "-m", "services.notifier"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "refusing to start" in done.stderr
    assert "rule 'angry-customer', field 'when.event'" in done.stderr
    assert "rule 'high-value-purchase', field 'throttle'" in done.stderr
    assert "is not a duration" in done.stderr
