"""Delivery receipts: a provider saying whether a notification it accepted reached the phone.

`delivered` becomes `c360.notification.delivered` (the customer's timeline shows it after
`sent`); `undelivered` goes to ops like any failed delivery (`c360.notifications.failed`, the
`notification_undelivered` dead-letter count), never to the agent's timeline. A repeated receipt
publishes the same event id again, which every reader already treats as one event.
"""

from dataclasses import dataclass
from datetime import datetime

from services.notifier import metrics
from services.notifier.domain.notification import Notification, Status
from services.notifier.service_layer.ports import NotifierDocuments, OutcomePublisher


class NotSent(Exception):
    """A receipt for a notification that was never handed to a provider (or is not yet)."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"the notification is {status.value}, not sent")
        self.status = status


@dataclass(frozen=True)
class Receipt:
    delivered: bool
    at: datetime
    error: str | None = None


async def take_receipt(
    store: NotifierDocuments, outcomes: OutcomePublisher, notification_id: str, receipt: Receipt
) -> Notification | None:
    """None when there is no such notification; raises NotSent unless it was sent."""
    notification = await store.get(notification_id)
    if notification is None:
        return None
    if notification.status is not Status.SENT:
        raise NotSent(notification.status)
    if receipt.delivered:
        await outcomes.publish_delivered(notification, "provider_receipt", receipt.at)
        return notification
    error = f"undelivered: {receipt.error or 'the provider gave no reason'}"
    await outcomes.dead_letter_failed(notification.model_copy(update={"error": error}))
    metrics.DEAD_LETTERED.labels("notification_undelivered").inc()
    return notification
