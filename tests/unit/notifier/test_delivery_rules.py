"""Routing with consent, quiet hours in the customer's timezone, backoff, signatures."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notifier.domain.customer import Contact
from services.notifier.domain.routing import Route, Suppressed, route_to_customer
from services.notifier.domain.rules import QuietHours
from services.notifier.domain.rules_settings import DeliveryPolicy
from services.notifier.domain.schedule import backoff_delays, buckets_for, is_birthday, quiet_until
from services.notifier.domain.signature import sign, verify

BOTH = {"email", "sms", "webhook"}
NIGHT = QuietHours(start=time(21), end=time(8))


def contact(**changes: object) -> Contact:
    base = Contact(
        emails=("a@x.io",),
        phones=("+989121234567",),
        preferred_channel="sms",
        consent={"sms": True, "email": True},
    )
    return Contact.model_validate({**base.model_dump(), **changes})


def test_the_preferred_consented_channel_is_used() -> None:
    assert route_to_customer(contact(), ("email",), BOTH) == Route("sms", "+989121234567")


def test_without_consent_on_the_preferred_channel_a_consented_fallback_is_used() -> None:
    routed = route_to_customer(contact(consent={"sms": False, "email": True}), ("email",), BOTH)
    assert routed == Route("email", "a@x.io")


def test_no_send_without_consent_and_the_reason_is_given() -> None:
    routed = route_to_customer(contact(consent={"sms": False}), ("email",), BOTH)
    assert routed == Suppressed("no consent for sms; no consent for email")
    assert isinstance(route_to_customer(None, ("email",), BOTH), Suppressed)


def test_a_channel_without_an_adapter_or_address_is_skipped() -> None:
    routed = route_to_customer(contact(preferred_channel="post", consent={"post": True}), (), BOTH)
    assert routed == Suppressed("no post channel configured")
    no_phone = contact(phones=())
    assert route_to_customer(no_phone, (), BOTH) == Suppressed("no sms address")


def test_masked_recipients() -> None:
    assert Route("email", "sara@example.com").masked == "s***@example.com"
    assert Route("sms", "+989121234567").masked == "+989***67"


def test_quiet_hours_wrap_midnight_in_the_customers_timezone() -> None:
    tehran = ZoneInfo("Asia/Tehran")  # UTC+03:30
    late = datetime(2025, 3, 10, 19, 0, tzinfo=UTC)  # 22:30 in Tehran
    assert quiet_until(late, tehran, NIGHT) == datetime(2025, 3, 11, 8, 0, tzinfo=tehran)
    early = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 06:30 in Tehran
    assert quiet_until(early, tehran, NIGHT) == datetime(2025, 3, 10, 8, 0, tzinfo=tehran)
    noon = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert quiet_until(noon, tehran, NIGHT) is None
    assert quiet_until(late, tehran, None) is None


def test_backoff_grows_exponentially_is_capped_and_jittered() -> None:
    policy = DeliveryPolicy(
        max_attempts=6, initial_backoff=timedelta(seconds=1), max_backoff=timedelta(seconds=5)
    )
    delays = backoff_delays(policy, random.Random(7))
    assert len(delays) == 5
    assert all(0 <= d <= cap for d, cap in zip(delays, [1, 2, 4, 5, 5], strict=True))
    assert delays != backoff_delays(policy, random.Random(8))


def test_leap_day_birthdays_are_celebrated_on_28_february_in_other_years() -> None:
    leap_born = date(2000, 2, 29)
    assert is_birthday(leap_born, date(2025, 2, 28))
    assert not is_birthday(leap_born, date(2024, 2, 28))
    assert is_birthday(leap_born, date(2024, 2, 29))
    assert buckets_for(date(2025, 2, 28)) == {"02-28", "02-29"}


def test_a_signature_verifies_and_rejects_tampering_and_old_timestamps() -> None:
    body = b'{"notification_id": "n1"}'
    header = sign(["s3cret"], body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify("s3cret", body, header, now=1_700_000_100)
    assert not verify("s3cret", body + b" ", header, now=1_700_000_100)
    assert not verify("other", body, header, now=1_700_000_100)
    assert not verify("s3cret", body, header, now=1_700_000_000 + 3600)
