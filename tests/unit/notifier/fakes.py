"""Small in-memory fakes of the notifier's ports (`service_layer/ports.py`)."""

from datetime import datetime

from services.notifier.domain.customer import CustomerState
from services.notifier.domain.notification import Notification
from services.notifier.domain.routing import Route
from services.notifier.domain.schedule import Timer
from services.notifier.service_layer.ports import DeliveryError
from shared.events.notifications import ConfirmedBy
from shared.mongo import VersionConflict


class FakeTimers:
    def __init__(self) -> None:
        self.by_partition: dict[int, dict[str, Timer]] = {}

    def forget(self) -> None:
        pass  # nothing is remembered apart from the "store" itself

    async def add(self, partition: int, timers: list[Timer]) -> None:
        self.by_partition.setdefault(partition, {}).update({t.id: t for t in timers})

    async def due(self, partition: int, now: datetime) -> list[Timer]:
        return [t for t in self.by_partition.get(partition, {}).values() if t.due_at <= now]

    async def remove(self, partition: int, ids: set[str]) -> None:
        for timer_id in ids:
            self.by_partition.get(partition, {}).pop(timer_id, None)


class FakeDocuments:
    def __init__(self) -> None:
        self.timers = FakeTimers()
        self.states: dict[str, CustomerState] = {}
        self.notifications: dict[str, Notification] = {}
        self.birthdays: dict[tuple[int, str], list[str]] = {}

    async def load_state(self, customer_id: str) -> CustomerState:
        return self.states.get(customer_id) or CustomerState(customer_id=customer_id)

    async def save_state(self, state: CustomerState) -> CustomerState:
        stored = self.states.get(state.customer_id)
        if (stored.version if stored else 0) != state.version:
            raise VersionConflict(state.customer_id, state.version)
        saved = state.model_copy(update={"version": state.version + 1})
        self.states[state.customer_id] = saved
        return saved

    async def claim(self, notification: Notification) -> Notification:
        return self.notifications.setdefault(notification.id, notification)

    async def get(self, notification_id: str) -> Notification | None:
        return self.notifications.get(notification_id)

    async def ids_of_customer(self, customer_id: str) -> list[str]:
        return [n.id for n in self.notifications.values() if n.customer_id == customer_id]

    async def save(self, notification: Notification) -> None:
        self.notifications[notification.id] = notification

    async def file_birthday(self, partition: int, customer_id: str, bucket: str) -> None:
        filed = self.birthdays.setdefault((partition, bucket), [])
        if customer_id not in filed:
            filed.append(customer_id)

    async def unfile_birthday(self, partition: int, customer_id: str, bucket: str) -> None:
        filed = self.birthdays.get((partition, bucket), [])
        if customer_id in filed:
            filed.remove(customer_id)

    async def born_on(self, partition: int, bucket: str) -> list[str]:
        return list(self.birthdays.get((partition, bucket), []))


class FakeOutcomes:
    def __init__(self) -> None:
        self.published: list[Notification] = []
        self.dead_letters: list[Notification] = []
        self.delivered: list[tuple[str, str]] = []  # (notification id, confirmed by)

    async def publish(self, notification: Notification) -> None:
        self.published.append(notification)

    async def publish_delivered(
        self, notification: Notification, confirmed_by: ConfirmedBy, at: datetime
    ) -> None:
        self.delivered.append((notification.id, confirmed_by))

    async def dead_letter_failed(self, notification: Notification) -> None:
        self.dead_letters.append(notification)


class FakeChannel:
    """Records each send; `failures` are raised first, one per attempt."""

    def __init__(self, *failures: DeliveryError, confirms_delivery: bool = False) -> None:
        self.confirms_delivery = confirms_delivery
        self.failures = list(failures)
        self.sent: list[tuple[Route, Notification]] = []

    async def send(self, route: Route, notification: Notification) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((route, notification))
