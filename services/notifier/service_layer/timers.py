"""Durable timers and the daily birthday check, for the partitions this worker owns.

Timers live in the store, so a restart (or another worker taking the partition over) fires them
all the same. A timer is removed only after its notification is finished or durably deferred;
firing it twice resumes the same notification id.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from services.notifier import metrics
from services.notifier.domain.notification import Origin
from services.notifier.domain.occurrence import from_birthday, from_sla_timer
from services.notifier.domain.rules import RulesFile
from services.notifier.domain.schedule import Timer, TimerPurpose, buckets_for, is_birthday, zone
from services.notifier.service_layer.delivery import Clock, Deliverer
from services.notifier.service_layer.ports import NotifierDocuments
from services.notifier.service_layer.processing import Notifier, Work


class TimerRunner:
    def __init__(
        self,
        rules: RulesFile,
        store: NotifierDocuments,
        notifier: Notifier,
        deliverer: Deliverer,
        clock: Clock,
        origin_topic: str,
    ) -> None:
        self.rules, self.store, self.notifier = rules, store, notifier
        self.deliverer, self.clock, self.origin_topic = deliverer, clock, origin_topic
        self._greeted: set[str] = set()
        self._next_birthday_check = datetime.min.replace(tzinfo=clock().tzinfo)

    def forget(self) -> None:
        """Partitions moved: what was remembered about their timers may be stale."""
        self.store.timers.forget()

    async def run_due(self, applied_through: Mapping[int, datetime]) -> int:
        """Fire the due timers of the partitions owned; returns how many fired.

        `applied_through` names each partition with the time up to which its log is applied. A
        timer fires only once that time reaches its due time, so whatever was logged before the
        deadline (a complaint resolved a minute before its SLA) is folded before the timer is
        weighed against it, however far behind the worker is.
        """
        fired = 0
        partitions = set(applied_through)
        for partition in sorted(partitions):
            until = min(self.clock(), applied_through[partition])
            for timer in await self.store.timers.due(partition, until):
                await self._fire(timer, partition)
                await self.store.timers.remove(partition, {timer.id})
                metrics.TIMERS_FIRED.labels(timer.purpose.value).inc()
                fired += 1
        if partitions and self.clock() >= self._next_birthday_check:
            await self.greet_birthdays(partitions)
            interval = self.rules.delivery.birthday_scan_interval
            self._next_birthday_check = self.clock() + interval
        return fired

    async def _fire(self, timer: Timer, partition: int) -> None:
        if timer.purpose is TimerPurpose.DELIVER:
            assert timer.notification_id is not None
            notification = await self.store.get(timer.notification_id)
            if notification is not None and notification.needs_work:
                await self.deliverer.deliver(notification, partition)
            return
        assert timer.rule_id is not None
        assert timer.complaint_id is not None
        state = await self.store.load_state(timer.customer_id)
        complaint = state.open_complaint(timer.complaint_id)
        if complaint is None:
            return  # resolved before its deadline: nothing to escalate
        occurrence = from_sla_timer(
            timer.id, timer.rule_id, timer.customer_id, complaint, timer.due_at
        )
        work = Work()
        origin = Origin(topic=self.origin_topic, partition=partition)
        state = self.notifier.decide(state, occurrence, origin, work)
        await self.notifier.apply(state, work)

    async def greet_birthdays(self, partitions: set[int]) -> None:
        """Customers whose local date is their birthday; each greeted once per year."""
        now = self.clock()
        days = {(now + timedelta(days=offset)).date() for offset in (-1, 0, 1)}
        buckets = set().union(*(buckets_for(day) for day in days))
        for partition in sorted(partitions):
            for bucket in sorted(buckets):
                for customer_id in await self.store.born_on(partition, bucket):
                    await self._greet(customer_id, partition, now)

    async def _greet(self, customer_id: str, partition: int, now: datetime) -> None:
        state = await self.store.load_state(customer_id)
        contact = state.contact
        if contact is None or contact.birthday is None:
            return
        local_day = now.astimezone(zone(contact.timezone, self.rules.delivery.default_timezone))
        if not is_birthday(contact.birthday, local_day.date()):
            return
        occurrence = from_birthday(customer_id, contact.birthday, local_day.date(), now)
        if occurrence.key in self._greeted:
            return
        work = Work()
        state = self.notifier.decide(
            state, occurrence, Origin(topic="schedule", partition=partition), work
        )
        await self.notifier.apply(state, work)
        self._greeted.add(occurrence.key)
