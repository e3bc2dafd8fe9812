"""Publishing what happened: `c360.notification.*` events and dead letters, on Kafka."""

from datetime import datetime

import orjson
from aiokafka import AIOKafkaProducer

from services.notifier import metrics
from services.notifier.domain.notification import Notification, Status
from shared.events import (
    STRUCTURED_HEADERS,
    EventType,
    NotificationData,
    NotificationDelivered,
    NotificationDeliveredData,
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSuppressed,
    NotificationSuppressedData,
    encode_event,
)
from shared.events.envelope import Envelope
from shared.events.notifications import ConfirmedBy
from shared.kafka import dead_letter_headers
from shared.privacy.keyring import Keyring
from shared.privacy.personal import PERSONAL_NOTIFICATION_FIELDS
from shared.privacy.records import seal_fields
from shared.topics import Topics

SOURCE = "services/notifier"


def outcome_event(notification: Notification) -> Envelope:
    """The outcome as an event; its id is derived from the notification's, so a republish after a
    crash is recognised downstream as the same event."""
    assert notification.status.terminal
    assert notification.finished_at is not None
    common = {
        "notification_id": notification.id,
        "customer_id": notification.customer_id,
        "rule": notification.rule_id,
        "channel": notification.channel or "none",
        "target": notification.masked_target,
        "trigger_event_id": notification.occurrence_key,
        "attempts": notification.attempts,
    }
    envelope = {
        "id": f"{notification.id}:{notification.status.value}",
        "source": SOURCE,
        "time": notification.finished_at,
        "subject": notification.customer_id,
    }
    if notification.status is Status.SENT:
        return NotificationSent(
            type=EventType.NOTIFICATION_SENT, data=NotificationData(**common), **envelope
        )
    if notification.status is Status.FAILED:
        data = NotificationFailedData(**common, error=(notification.error or "")[:2000])
        return NotificationFailed(type=EventType.NOTIFICATION_FAILED, data=data, **envelope)
    data_s = NotificationSuppressedData(**common, reason=(notification.reason or "")[:500])
    return NotificationSuppressed(type=EventType.NOTIFICATION_SUPPRESSED, data=data_s, **envelope)


def delivered_event(
    notification: Notification, confirmed_by: ConfirmedBy, at: datetime
) -> Envelope:
    """`delivered` after `sent`; one id per notification, so a repeated receipt is one event."""
    data = NotificationDeliveredData(
        notification_id=notification.id,
        customer_id=notification.customer_id,
        rule=notification.rule_id,
        channel=notification.channel or "none",
        target=notification.masked_target,
        trigger_event_id=notification.occurrence_key,
        attempts=notification.attempts,
        confirmed_by=confirmed_by,
    )
    return NotificationDelivered(
        type=EventType.NOTIFICATION_DELIVERED,
        id=f"{notification.id}:delivered",
        source=SOURCE,
        time=at,
        subject=notification.customer_id,
        data=data,
    )


class Outcomes:
    def __init__(
        self, producer: AIOKafkaProducer, topics: Topics, keys: Keyring | None = None
    ) -> None:
        self.producer = producer
        self.topics = topics
        self.keys = keys  # seals the recipient with the customer's key

    async def publish(self, notification: Notification) -> None:
        await self._send(notification.customer_id, outcome_event(notification))

    async def publish_delivered(
        self, notification: Notification, confirmed_by: ConfirmedBy, at: datetime
    ) -> None:
        await self._send(notification.customer_id, delivered_event(notification, confirmed_by, at))

    async def _send(self, customer_id: str, event: Envelope) -> None:
        value = encode_event(event) if self.keys is None else await self.keys.encode(event)
        await self.producer.send_and_wait(
            self.topics.notifications,
            value,
            key=customer_id.encode(),
            headers=STRUCTURED_HEADERS,
        )
        metrics.EVENTS_PUBLISHED.labels(event.type).inc()

    async def dead_letter_failed(self, notification: Notification) -> None:
        """The failed notification itself, with where its trigger came from, on its own topic
        (never `c360.deadletter`, whose records a replay sends back through the ingress)."""
        origin = notification.origin
        headers = dead_letter_headers(
            topic=origin.topic,
            partition=origin.partition,
            offset=origin.offset,
            kind="notification_failed",
            message=notification.error or "delivery failed",
        )
        await self.producer.send_and_wait(
            self.topics.notifications_failed,
            await self._failed_record(notification),
            key=notification.customer_id.encode(),
            headers=[*headers, ("c360-notification-id", notification.id.encode())],
        )

    async def _failed_record(self, notification: Notification) -> bytes:
        """The notification as JSON, its recipient, subject, body and error sealed with the
        customer's data key (the topic is kept as long as the log)."""
        record = notification.model_dump(mode="json")
        if self.keys is None:
            return orjson.dumps(record)
        kid = notification.customer_id
        key = await self.keys.key(kid, create=True)
        return orjson.dumps(seal_fields(record, kid, PERSONAL_NOTIFICATION_FIELDS, key))
