"""A notification's life: pending -> sending -> sent | failed | suppressed.

The record's `_id` is the deterministic notification id, so claiming it (insert-if-absent) is what
makes a second send impossible across redeliveries and restarts.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.notifier.domain.evaluation import Decision
from services.notifier.domain.rules import QuietHours


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"

    @property
    def terminal(self) -> bool:
        return self in (Status.SENT, Status.FAILED, Status.SUPPRESSED)


class Origin(BaseModel):
    """Where the trigger was read, for dead letters: a record, or a timer (partition only)."""

    model_config = ConfigDict(frozen=True)
    topic: str
    partition: int
    offset: int = -1


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    rule_id: str
    customer_id: str
    occurrence_key: str
    occurrence_name: str
    triggered_at: datetime
    target: str
    fallback: tuple[str, ...] = ()
    subject: str
    body: str
    quiet_hours: QuietHours | None = None
    origin: Origin
    created_at: datetime
    status: Status = Status.PENDING
    attempts: int = 0
    channel: str | None = None
    masked_target: str | None = None
    deliver_after: datetime | None = None
    reason: str | None = None
    error: str | None = None
    finished_at: datetime | None = None
    published: bool = False

    @property
    def needs_work(self) -> bool:
        """Not finished, or finished but its outcome event is not yet on Kafka."""
        return not self.status.terminal or not self.published


def from_decision(decision: Decision, origin: Origin, now: datetime) -> Notification:
    return Notification(
        id=decision.notification_id,
        rule_id=decision.rule_id,
        customer_id=decision.customer_id,
        occurrence_key=decision.occurrence_key,
        occurrence_name=decision.occurrence_name,
        triggered_at=decision.triggered_at,
        target=decision.target,
        fallback=decision.fallback,
        subject=decision.subject,
        body=decision.body,
        quiet_hours=decision.quiet_hours,
        origin=origin,
        created_at=now,
    )


ERASED_TEXT = "[erased]"


def forget_person(notification: Notification) -> Notification:
    """The record kept after the customer's erasure: rule, channel, status and times, but no
    recipient, subject or body."""
    return notification.model_copy(
        update={
            "target": ERASED_TEXT,
            "subject": ERASED_TEXT,
            "body": ERASED_TEXT,
            "masked_target": None,
            "error": None,
        }
    )
