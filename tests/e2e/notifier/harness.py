"""Running the notifier as a real process against local receivers, and feeding it events."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiokafka import AIOKafkaProducer, TopicPartition

from services.notifier.adapters.rules_file import DEFAULT_RULES
from shared.events import STRUCTURED_HEADERS, Event, EventType, encode_event
from shared.kafka import make_admin, make_consumer
from shared.settings import Settings
from shared.topics import Topics
from tests.factories import make_event
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver
from tests.processes import ServiceProcess, free_port, settings_env


def noon_timezone(now: datetime | None = None) -> str:
    """A fixed-offset zone where it is about noon now, so quiet hours never defer a test send."""
    offset = 12 - (now or datetime.now(UTC)).hour  # -11 .. +12 hours from UTC
    return "Etc/GMT" + (f"{-offset:+d}" if offset else "+0")  # Etc/GMT-3 is UTC+3


def local_today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def default_rules_for_tests(directory: Path) -> Path:
    """The shipped rules, checking birthdays every second instead of every minute."""
    text = DEFAULT_RULES.read_text().replace(
        "  timer_scan_interval: 1s", "  timer_scan_interval: 1s\n  birthday_scan_interval: 1s"
    )
    assert "birthday_scan_interval: 1s" in text
    path = directory / "rules.yaml"
    path.write_text(text)
    return path


def notifier_process(
    settings: Settings,
    rules: Path,
    http: HttpReceiver,
    smtp: SmtpReceiver,
    port: int | None = None,
    **extra: str,
) -> ServiceProcess:
    port = port or free_port()
    # No projections API unless a test starts one: the fallback for unfolded customers then
    # finds nobody, rather than whatever a developer's stack answers on the default port.
    extra.setdefault("C360_PROJECTIONS_URL", f"http://127.0.0.1:{free_port()}")
    env = settings_env(
        settings,
        C360_NOTIFIER_PORT=str(port),
        C360_NOTIFIER_RULES_PATH=str(rules),
        C360_SMTP_HOST="127.0.0.1",
        C360_SMTP_PORT=str(smtp.port),
        C360_SMS_URL=http.url("/sms"),
        C360_SUPPORT_WEBHOOK=http.url("/support"),
        C360_ACCOUNT_MANAGERS_WEBHOOK=http.url("/account-managers"),
        **extra,
    )
    return ServiceProcess(
        "services.notifier", env, ready_url=f"http://127.0.0.1:{port}/readyz", name="notifier"
    )


@contextmanager
def running(process: ServiceProcess) -> Iterator[ServiceProcess]:
    process.start()
    try:
        yield process
    finally:
        process.stop()


def contact_created(
    customer_id: str,
    *,
    preferred: str = "email",
    consent: dict[str, bool] | None = None,
    timezone: str = "UTC",
    birthday: date | None = None,
) -> Event:
    at = datetime.now(UTC).isoformat()
    granted = consent if consent is not None else {"email": True, "sms": True}
    profile: dict[str, Any] = {
        "name": f"Customer {customer_id}",
        "emails": [f"{customer_id}@example.com"],
        "phones": ["+989121234567"],
        "timezone": timezone,
        "preferred_channel": preferred,
        "consent": {
            channel: {"granted": ok, "legal_basis": "consent", "at": at}
            for channel, ok in granted.items()
        },
    }
    if birthday is not None:
        profile["birthday"] = birthday.isoformat()
    data = {"customer_id": customer_id, "origin": "api", "profile": profile}
    return make_event(EventType.CONTACT_CREATED, data, subject=customer_id)


def interaction(customer_id: str, event_type: EventType, **data: Any) -> Event:
    payload = {"customer": {"customer_id": customer_id}, **data}
    return make_event(event_type, payload, subject=customer_id)


async def publish(producer: AIOKafkaProducer, topic: str, *events: Event) -> None:
    for event in events:
        assert event.subject is not None
        await producer.send_and_wait(
            topic, encode_event(event), key=event.subject.encode(), headers=STRUCTURED_HEADERS
        )


async def caught_up(settings: Settings) -> bool:
    """Whether the notifier's group has committed everything on contacts and interactions."""
    topics = Topics.from_settings(settings)
    group = f"{settings.topic_prefix}c360-notifier"
    admin = make_admin(settings)
    probe = make_consumer(settings, f"{group}-probe")
    await admin.start()
    await probe.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        parts = [
            TopicPartition(t, p)
            for t in (topics.contacts, topics.interactions)
            for p in range(settings.topic_partitions)
        ]
        ends = await probe.end_offsets(parts)
        return all(
            end == 0 or (tp in committed and committed[tp].offset >= end)
            for tp, end in ends.items()
        )
    finally:
        await probe.stop()
        await admin.close()
