"""Time: durable timers, quiet hours in the customer's timezone, retry backoff, birthdays."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.notifier.domain.customer import OpenComplaint
from services.notifier.domain.rules import QuietHours, RulesFile, TimerKind
from services.notifier.domain.rules_settings import DeliveryPolicy
from shared.events.interactions import Severity


class TimerPurpose(StrEnum):
    SLA = "sla"  # evaluate a timer rule: is the complaint still open at its deadline?
    DELIVER = "deliver"  # a notification deferred by quiet hours


@dataclass(frozen=True)
class Timer:
    """A due time that survives restarts; `id` is stable so scheduling twice is harmless."""

    id: str
    purpose: TimerPurpose
    customer_id: str
    due_at: datetime
    rule_id: str | None = None
    complaint_id: str | None = None
    notification_id: str | None = None


def sla_timers(rules: RulesFile, customer_id: str, complaint: OpenComplaint) -> list[Timer]:
    """One timer per SLA rule for a newly opened complaint, `before_deadline` ahead of it.

    The deadline is the complaint's own `sla_due_at`, else the rule's `default_sla` for its
    severity; with neither, the rule has nothing to wait for.
    """
    timers = []
    for rule in rules.rules:
        if not rule.enabled or rule.when.timer is not TimerKind.COMPLAINT_SLA:
            continue
        deadline = complaint.sla_due_at
        default = rule.when.default_sla.get(Severity(complaint.severity))
        if deadline is None and default is not None:
            deadline = complaint.opened_at + default
        if deadline is None:
            continue
        timers.append(
            Timer(
                id=f"sla:{rule.id}:{customer_id}:{complaint.complaint_id}",
                purpose=TimerPurpose.SLA,
                customer_id=customer_id,
                due_at=deadline - rule.when.before_deadline,
                rule_id=rule.id,
                complaint_id=complaint.complaint_id,
            )
        )
    return timers


def zone(name: str | None, default: str) -> ZoneInfo:
    """The customer's timezone, or the default when it is missing or unknown."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def quiet_until(now: datetime, tz: ZoneInfo, quiet: QuietHours | None) -> datetime | None:
    """When `now` falls in the quiet window (local time), the moment it ends; else None."""
    if quiet is None or quiet.start == quiet.end:
        return None
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    wraps = quiet.start > quiet.end
    inside = (
        (clock >= quiet.start or clock < quiet.end) if wraps else (quiet.start <= clock < quiet.end)
    )
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if wraps and clock >= quiet.start else local.date()
    return datetime.combine(end_day, quiet.end, tzinfo=tz)


def backoff_delays(policy: DeliveryPolicy, rng: random.Random) -> list[float]:
    """Seconds to wait before attempts 2..n: exponential, capped, with full jitter."""
    base = policy.initial_backoff.total_seconds()
    cap = policy.max_backoff.total_seconds()
    return [rng.uniform(0, min(cap, base * 2**n)) for n in range(policy.max_attempts - 1)]


def is_birthday(birthday: date, local_day: date) -> bool:
    """29 February is celebrated on 28 February in years without one."""
    if (birthday.month, birthday.day) == (local_day.month, local_day.day):
        return True
    leap_day = (birthday.month, birthday.day) == (2, 29)
    return leap_day and (local_day.month, local_day.day) == (2, 28) and not _is_leap(local_day)


def _is_leap(day: date) -> bool:
    year = day.year
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_key(birthday: date) -> str:
    """The index bucket of a birthday: `MM-DD`."""
    return f"{birthday.month:02d}-{birthday.day:02d}"


def buckets_for(local_day: date) -> set[str]:
    """Buckets whose customers may celebrate on `local_day` (28 February also takes 29th's)."""
    keys = {birthday_key(local_day)}
    if (local_day.month, local_day.day) == (2, 28) and not _is_leap(local_day):
        keys.add("02-29")
    return keys
