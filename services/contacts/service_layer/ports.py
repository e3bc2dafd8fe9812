"""What the contacts service layer needs from the outside world: the contact journal, the identity
index and the record of possible duplicates. `adapters/store.py`'s `ContactStore` implements
them on the store; the unit tests' fakes implement them in memory."""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from services.contacts.domain.commands import Commit
from services.contacts.domain.contact import ContactState
from services.contacts.domain.duplicates import DuplicateStatus
from shared.position import Position
from shared.privacy.needles import Subject
from shared.settings import Settings


class Conflict(Exception):
    """Another writer changed one of the customers first; read again and retry."""


class Journal(Protocol):
    async def load(self, customer_id: str) -> ContactState | None: ...

    async def load_many(self, customer_ids: Sequence[str]) -> dict[str, ContactState]:
        """The contacts there are of these, by id, in one read."""

    async def append(self, commit: Commit) -> Position | None:
        """Commit, publish and apply; raises Conflict if another writer got there first."""
        ...

    async def append_new(self, commits: Sequence[Commit]) -> list[Conflict | None]:
        """`append` for many commits that each create one contact, at once; per commit None,
        or the Conflict of one another writer created first."""
        ...

    async def forget(self, state: ContactState) -> None:
        """Destroy the data key of an erased contact and its journal's personal data."""
        ...

    async def history(self, state: ContactState, limit: int = 200) -> list[dict[str, Any]]:
        """The customer's own events as CloudEvents, oldest first (the newest `limit`)."""
        ...


class Index(Protocol):
    """`kind:value` -> customer id; a claim is an insert-if-absent, so one claimer wins."""

    async def owner(self, key: str) -> str | None: ...

    async def owners(self, keys: list[str]) -> dict[str, str | None]: ...

    async def claim(self, key: str, customer_id: str) -> str:
        """Make `customer_id` the owner unless someone already is; returns the owner."""
        ...

    async def claim_many(self, claims: Mapping[str, str]) -> dict[str, str]:
        """`claim` for many keys at once; returns each key's owner."""
        ...

    async def release(self, key: str, customer_id: str) -> None:
        """Give up a claim that is still ours (after a failed create)."""
        ...


class DuplicateRecords(Protocol):
    async def record(self, a: str, b: str, keys: list[str], source: str) -> None:
        """Note that customers `a` and `b` share identifiers (never merged by this)."""
        ...

    async def mark(self, a: str, b: str, status: DuplicateStatus) -> None: ...

    async def forget(self, customer_id: str) -> None: ...


class ContactDocuments(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def journal(self) -> Journal: ...
    @property
    def index(self) -> Index: ...
    @property
    def duplicates(self) -> DuplicateRecords: ...


class DeadLetterShelf(Protocol):
    async def withhold(self, subject: Subject, why: str) -> int:
        """Keep every dead letter holding the person's identifiers or texts from being
        replayed; how many there are."""
        ...
