"""Outcomes of the notifier: `c360.notification.*` (key = customer id)."""

from typing import Literal

from pydantic import Field

from shared.events.envelope import Envelope, Payload
from shared.events.types import EventType


class NotificationData(Payload):
    notification_id: str = Field(min_length=1, max_length=200)
    customer_id: str = Field(min_length=1, max_length=64)
    rule: str = Field(min_length=1, max_length=100)
    channel: str = Field(min_length=1, max_length=32)
    target: str | None = Field(default=None, max_length=500, description="masked recipient")
    trigger_event_id: str | None = Field(default=None, max_length=200)
    attempts: int = Field(default=1, ge=0)


# who said a notification arrived
ConfirmedBy = Literal["recipient", "provider_receipt"]


class NotificationDeliveredData(NotificationData):
    confirmed_by: ConfirmedBy = Field(
        description="who said it arrived: the receiving system itself answering the delivery "
        "(a team's webhook; the local sink), or the provider's delivery receipt (SMS)"
    )


class NotificationFailedData(NotificationData):
    error: str = Field(max_length=2_000)


class NotificationSuppressedData(NotificationData):
    reason: str = Field(max_length=500, examples=["no consent for sms", "quiet hours"])


class NotificationSent(Envelope):
    type: Literal[EventType.NOTIFICATION_SENT]
    data: NotificationData


class NotificationDelivered(Envelope):
    """After `sent`: the notification reached the recipient, as far as anyone can know (an
    email stops at `sent`: an SMTP server's acceptance says nothing about the mailbox)."""

    type: Literal[EventType.NOTIFICATION_DELIVERED]
    data: NotificationDeliveredData


class NotificationFailed(Envelope):
    type: Literal[EventType.NOTIFICATION_FAILED]
    data: NotificationFailedData


class NotificationSuppressed(Envelope):
    type: Literal[EventType.NOTIFICATION_SUPPRESSED]
    data: NotificationSuppressedData


NotificationEvent = (
    NotificationSent | NotificationDelivered | NotificationFailed | NotificationSuppressed
)
