"""What delivery, processing and timers need from the outside world; the Mongo store, the Kafka
outcomes and the channels implement it, and so do test fakes."""

from datetime import datetime
from typing import Protocol

from services.notifier.domain.customer import CustomerState
from services.notifier.domain.notification import Notification
from services.notifier.domain.routing import Route
from services.notifier.domain.schedule import Timer
from shared.events.notifications import ConfirmedBy


class DeliveryError(Exception):
    """A failed attempt; `permanent` ones are not retried (e.g. a 4xx or a refused recipient)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    # True when a successful send is itself the recipient's answer (a team's webhook), so the
    # notification is delivered, not only sent; see docs/notifier.md, "Sent and delivered"
    confirms_delivery: bool

    async def send(self, route: Route, notification: Notification) -> None:
        """Deliver once; raise DeliveryError on failure."""
        ...


class Timers(Protocol):
    """Pending SLA, retry and quiet-hours timers, per partition."""

    def forget(self) -> None:
        """Drop what is remembered in memory (the partitions moved)."""
        ...

    async def add(self, partition: int, timers: list[Timer]) -> None: ...

    async def due(self, partition: int, now: datetime) -> list[Timer]: ...

    async def remove(self, partition: int, ids: set[str]) -> None: ...


class NotifierDocuments(Protocol):
    """The notifier's own state: customers, notifications, birthdays and timers."""

    @property
    def timers(self) -> Timers: ...

    async def load_state(self, customer_id: str) -> CustomerState: ...

    async def save_state(self, state: CustomerState) -> CustomerState:
        """Write over the version it was loaded at; raises VersionConflict otherwise."""
        ...

    async def claim(self, notification: Notification) -> Notification:
        """Insert if absent; when the id exists, the stored record wins."""
        ...

    async def get(self, notification_id: str) -> Notification | None: ...

    async def ids_of_customer(self, customer_id: str) -> list[str]:
        """Every notification id of the customer (a scan: erasure and subject access only)."""
        ...

    async def save(self, notification: Notification) -> None: ...

    async def file_birthday(self, partition: int, customer_id: str, bucket: str) -> None: ...

    async def unfile_birthday(self, partition: int, customer_id: str, bucket: str) -> None: ...

    async def born_on(self, partition: int, bucket: str) -> list[str]: ...


class OutcomePublisher(Protocol):
    async def publish(self, notification: Notification) -> None:
        """The `sent`, `failed` or `suppressed` event, keyed by customer."""
        ...

    async def publish_delivered(
        self, notification: Notification, confirmed_by: ConfirmedBy, at: datetime
    ) -> None:
        """The `delivered` event of a sent notification (`recipient` or `provider_receipt`)."""
        ...

    async def dead_letter_failed(self, notification: Notification) -> None: ...
