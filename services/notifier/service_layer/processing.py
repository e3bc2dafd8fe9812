"""The notifier's unit of work, one customer at a time: fold, evaluate, claim, deliver, save.

The customer's state is saved last. A crash anywhere before that makes the redelivered events
produce the same decisions, hence the same notification ids, whose stored records are resumed;
a crash after it finds every notification of those events finished or durably deferred.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from aiokafka.structs import ConsumerRecord
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from services.notifier import metrics
from services.notifier.domain.customer import Contact, CustomerState
from services.notifier.domain.evaluation import evaluate
from services.notifier.domain.fold import advance, is_new
from services.notifier.domain.notification import (
    Notification,
    Origin,
    forget_person,
    from_decision,
)
from services.notifier.domain.occurrence import Occurrence, from_event
from services.notifier.domain.rules import RulesFile
from services.notifier.domain.schedule import Timer, birthday_key, sla_timers
from services.notifier.service_layer.delivery import Clock, Deliverer
from services.notifier.service_layer.ports import NotifierDocuments
from shared.events import ComplaintOpened, Event
from shared.mongo import VersionConflict, store_may_answer_at_once

Item = tuple[ConsumerRecord[bytes, bytes], Event]
TRANSIENT_RETRIES = 8


def is_transient(exc: BaseException) -> bool:
    """Worth retrying at once: a concurrent writer, a lost connection, a busy SQLite store."""
    return isinstance(exc, VersionConflict) or store_may_answer_at_once(exc)


@dataclass
class Work:
    """Effects decided while folding, applied together before the state is saved."""

    notifications: list[tuple[Notification, int]] = field(default_factory=list)
    timers: dict[int, list[Timer]] = field(default_factory=lambda: defaultdict(list))
    birthday_buckets: list[tuple[int, str]] = field(default_factory=list)
    # a changed or erased birthday leaves its day: the old filing would link the two for ever
    birthdays_left: list[tuple[int, str]] = field(default_factory=list)


def same_but_position(before: CustomerState, after: CustomerState) -> bool:
    """Whether `after` differs from `before` only by the position and event id it recorded."""
    tracking = {"positions": after.positions, "recent_event_ids": after.recent_event_ids}
    return before.model_copy(update=tracking) == after


def position_key(topic: str, partition: int) -> str:
    """`interactions-3`: stored as a document key, so no dots (the topic prefix is dropped)."""
    return f"{topic.rsplit('.', 1)[-1]}-{partition}"


class Notifier:
    def __init__(
        self, rules: RulesFile, store: NotifierDocuments, deliverer: Deliverer, clock: Clock
    ) -> None:
        self.rules, self.store, self.deliverer, self.clock = rules, store, deliverer, clock

    async def handle_events(self, customer_id: str, items: list[Item]) -> None:
        """Apply one customer's records (in log order) and everything they trigger.

        A version conflict or a busy store is retried here, for this customer only; everything
        done before the retry is found again by id, so a retry repeats no effect.
        """
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(TRANSIENT_RETRIES),
            wait=wait_random_exponential(multiplier=0.05, max=2),
            reraise=True,
        ):
            with attempt:
                await self._handle_events(customer_id, items)

    async def _handle_events(self, customer_id: str, items: list[Item]) -> None:
        state = await self.store.load_state(customer_id)
        loaded, work = state, Work()
        for record, event in items:
            key = position_key(record.topic, record.partition)
            if not is_new(state, event, key, record.offset):
                continue
            decided_before = len(work.notifications)
            origin = Origin(topic=record.topic, partition=record.partition, offset=record.offset)
            after = advance(state, event, key, record.offset)
            after = self.decide(after, from_event(event, customer_id), origin, work)
            if len(work.notifications) == decided_before and same_but_position(state, after):
                continue  # a call or a note the rules ignore: nothing worth a write
            self._schedule(state, after, event, record.partition, work)
            state = after
        if _erased(state) and not _erased(loaded):  # before the state is saved: a crash redoes it
            await self.forget_notifications(customer_id)
        if state != loaded:
            await self.apply(state, work)

    async def forget_notifications(self, customer_id: str) -> None:
        """After an erasure the stored notifications keep no recipient, subject or body: every
        one of the customer's, not only the newest the state remembers."""
        for notification_id in await self.store.ids_of_customer(customer_id):
            stored = await self.store.get(notification_id)
            if stored is not None:
                await self.store.save(forget_person(stored))

    def decide(
        self, state: CustomerState, occurrence: Occurrence, origin: Origin, work: Work
    ) -> CustomerState:
        """Evaluate the rules; the notifications to claim are added to `work`."""
        now = self.clock()
        evaluation = evaluate(self.rules, occurrence, state, now)
        metrics.RULE_EVALUATIONS.labels(occurrence.name).inc(evaluation.evaluated)
        for rule_id in evaluation.throttled:
            metrics.THROTTLED.labels(rule_id).inc()
        work.notifications += [
            (from_decision(d, origin, now), origin.partition) for d in evaluation.decisions
        ]
        return evaluation.state

    def _schedule(
        self, before: CustomerState, after: CustomerState, event: Event, partition: int, work: Work
    ) -> None:
        if isinstance(event, ComplaintOpened):
            complaint = after.open_complaint(event.data.complaint_id)
            if complaint is not None:
                work.timers[partition] += sla_timers(self.rules, after.customer_id, complaint)
        birthday = after.contact.birthday if after.contact else None
        previous = before.contact.birthday if before.contact else None
        if previous is not None and birthday != previous:
            work.birthdays_left.append((partition, birthday_key(previous)))
        if birthday is not None and birthday != previous:
            work.birthday_buckets.append((partition, birthday_key(birthday)))

    async def apply(self, state: CustomerState, work: Work) -> None:
        """Claim, schedule, deliver, and only then save the state (see the module docstring)."""
        claimed = [(await self.store.claim(n), p) for n, p in work.notifications]
        for partition, timers in work.timers.items():
            await self.store.timers.add(partition, timers)
        for partition, bucket in work.birthdays_left:
            await self.store.unfile_birthday(partition, state.customer_id, bucket)
        for partition, bucket in work.birthday_buckets:
            await self.store.file_birthday(partition, state.customer_id, bucket)

        async def in_hand(customer_id: str) -> Contact | None:
            # the state is not saved yet: the store still holds the previous contact
            if state.contact is not None:
                return state.contact
            return await self.deliverer.contacts(customer_id)

        await self.deliverer.deliver_all([(n, p) for n, p in claimed if n.needs_work], in_hand)
        await self.store.save_state(state)


def _erased(state: CustomerState) -> bool:
    return state.contact is not None and state.contact.erased
