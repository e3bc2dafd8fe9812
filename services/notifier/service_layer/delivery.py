"""Delivering one claimed notification: route, consent, quiet hours, retries, outcome.

The record is saved before each retry (`sending`, attempt n); once the provider accepts, the
outcome event is published and the record saved `sent` in one write. A record found `sent` is
never sent again; a crash between the provider's acceptance and that write re-sends with the same
notification id, which the receiver uses to deduplicate (docs/notifier.md, "What is guaranteed").
"""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifier import metrics
from services.notifier.domain.customer import Contact
from services.notifier.domain.notification import Notification, Status
from services.notifier.domain.routing import Route, Suppressed, route_to_customer, route_to_team
from services.notifier.domain.rules import RulesFile
from services.notifier.domain.schedule import Timer, TimerPurpose, backoff_delays, quiet_until, zone
from services.notifier.service_layer.ports import (
    Channel,
    DeliveryError,
    NotifierDocuments,
    OutcomePublisher,
)
from shared.concurrency import together

ContactLookup = Callable[[str], Awaitable[Contact | None]]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Deliverer:
    def __init__(
        self,
        rules: RulesFile,
        store: NotifierDocuments,
        channels: Mapping[str, Channel],
        outcomes: OutcomePublisher,
        contacts: ContactLookup,
        clock: Clock = utc_now,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.rules, self.store, self.channels = rules, store, channels
        self.outcomes, self.contacts, self.clock, self.sleep = outcomes, contacts, clock, sleep
        self.rng = random.Random()
        self.limit = asyncio.Semaphore(rules.delivery.concurrency)

    async def deliver_all(
        self, items: list[tuple[Notification, int]], contacts: ContactLookup | None = None
    ) -> None:
        await together(self.deliver(n, partition, contacts) for n, partition in items)

    async def deliver(
        self, notification: Notification, partition: int, contacts: ContactLookup | None = None
    ) -> Notification:
        """Take `notification` as far as it can go now; returns the stored record.

        `contacts` overrides the lookup when the caller holds a fresher state than the store.
        """
        async with self.limit:
            if notification.status.terminal:
                return await self._publish(notification)
            contact = await (contacts or self.contacts)(notification.customer_id)
            route = self._route(notification, contact)
            if isinstance(route, Suppressed):
                return await self._finish(notification, Status.SUPPRESSED, reason=route.reason)
            deferred_to = self._quiet_until(notification, contact)
            if deferred_to is not None:
                return await self._defer(notification, partition, deferred_to)
            return await self._attempt(notification, route)

    def _route(self, notification: Notification, contact: Contact | None) -> Route | Suppressed:
        if notification.target.startswith("team:"):
            return route_to_team(self.rules, notification.target.removeprefix("team:"))
        return route_to_customer(contact, notification.fallback, set(self.channels))

    def _quiet_until(self, notification: Notification, contact: Contact | None) -> datetime | None:
        if notification.target != "customer":
            return None
        tz = zone(contact.timezone if contact else None, self.rules.delivery.default_timezone)
        return quiet_until(self.clock(), tz, notification.quiet_hours)

    async def _defer(
        self, notification: Notification, partition: int, until: datetime
    ) -> Notification:
        deferred = notification.model_copy(update={"deliver_after": until})
        await self.store.save(deferred)
        timer = Timer(
            f"deliver:{notification.id}",
            TimerPurpose.DELIVER,
            notification.customer_id,
            until,
            notification_id=notification.id,
        )
        await self.store.timers.add(partition, [timer])
        metrics.DEFERRED.labels(notification.rule_id).inc()
        return deferred

    async def _attempt(self, notification: Notification, route: Route) -> Notification:
        delays = backoff_delays(self.rules.delivery, self.rng)
        channel, error = self.channels[route.channel], "attempts exhausted before a restart"
        while notification.attempts < self.rules.delivery.max_attempts:
            notification = notification.model_copy(
                update={
                    "status": Status.SENDING,
                    "attempts": notification.attempts + 1,
                    "channel": route.channel,
                    "masked_target": route.masked,
                }
            )
            if notification.attempts > 1:
                # a crash during the first attempt leaves the claimed `pending` record, which is
                # resumed just like a `sending` one: saving it first would only cost a write
                await self.store.save(notification)
            started = time.perf_counter()
            try:
                await channel.send(route, notification)
            except DeliveryError as exc:
                metrics.ATTEMPTS.labels(route.channel, "error").inc()
                error = str(exc)
                if exc.permanent:
                    break
                if notification.attempts < self.rules.delivery.max_attempts:
                    await self.sleep(delays[min(notification.attempts, len(delays)) - 1])
                continue
            metrics.ATTEMPTS.labels(route.channel, "ok").inc()
            metrics.DELIVERY_SECONDS.labels(route.channel).observe(time.perf_counter() - started)
            latency = (self.clock() - notification.triggered_at) / timedelta(seconds=1)
            metrics.TRIGGER_TO_DELIVERY.labels(notification.rule_id).observe(max(latency, 0.0))
            return await self._finish(notification, Status.SENT, channel.confirms_delivery)
        # dead-letter first: a crash before `failed` is saved repeats the letter, never loses it
        await self.outcomes.dead_letter_failed(notification.model_copy(update={"error": error}))
        metrics.DEAD_LETTERED.labels("notification_failed").inc()
        return await self._finish(notification, Status.FAILED, error=error)

    async def _finish(
        self, notification: Notification, status: Status, delivered: bool = False, **why: str
    ) -> Notification:
        finished = notification.model_copy(
            update={"status": status, "finished_at": self.clock(), "published": True, **why}
        )
        # publish first: the outcome and the terminal status then take one write, and a crash in
        # between only repeats the (same-id) events along with the send
        await self.outcomes.publish(finished)
        if delivered and finished.finished_at is not None:
            await self.outcomes.publish_delivered(finished, "recipient", finished.finished_at)
        await self.store.save(finished)
        metrics.NOTIFICATIONS.labels(
            finished.rule_id, finished.channel or "none", status.value
        ).inc()
        return finished

    async def _publish(self, notification: Notification) -> Notification:
        """A terminal record whose outcome is not yet on Kafka (saved by an older version)."""
        if notification.published:
            return notification
        await self.outcomes.publish(notification)
        published = notification.model_copy(update={"published": True})
        await self.store.save(published)
        return published
