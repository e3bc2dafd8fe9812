"""Small in-memory fakes of the identity store's ports (`service_layer/ports.py`)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.contacts.domain.commands import Commit
from services.contacts.domain.contact import ContactState
from services.contacts.domain.duplicates import DuplicateStatus
from services.contacts.service_layer.ports import Conflict
from shared.position import Position
from shared.settings import Settings


class FakeJournal:
    """Commits apply at once; a commit from a stale version is a Conflict, as in the store."""

    def __init__(self, index: "FakeIndex") -> None:
        self.index = index
        self.states: dict[str, ContactState] = {}
        self.published: list[Commit] = []
        self.forgotten: list[str] = []
        self.batches: list[int] = []  # sizes of `append_new` calls
        self.reads_of_many: list[int] = []  # sizes of `load_many` calls

    async def load(self, customer_id: str) -> ContactState | None:
        return self.states.get(customer_id)

    async def load_many(self, customer_ids: Sequence[str]) -> dict[str, ContactState]:
        self.reads_of_many.append(len(customer_ids))
        return {c: self.states[c] for c in customer_ids if c in self.states}

    async def append(self, commit: Commit) -> Position | None:
        for state in commit.states:
            stored = self.states.get(state.customer_id)
            if (stored.version if stored else 0) != state.version - 1:
                raise Conflict(f"{state.customer_id} is no longer at {state.version - 1}")
        self.states |= {s.customer_id: s for s in commit.states}
        for key, owner in commit.index:
            if owner is None:
                self.index.entries.pop(key, None)
            else:
                self.index.entries[key] = owner
        self.published.append(commit)
        return Position("c360.contacts", 0, len(self.published) - 1)

    async def append_new(self, commits: Sequence[Commit]) -> list[Conflict | None]:
        self.batches.append(len(commits))
        outcomes: list[Conflict | None] = []
        for commit in commits:
            try:
                await self.append(commit)
                outcomes.append(None)
            except Conflict as conflict:
                outcomes.append(conflict)
        return outcomes

    async def forget(self, state: ContactState) -> None:
        self.forgotten.append(state.customer_id)

    async def history(self, state: ContactState, limit: int = 200) -> list[dict[str, Any]]:
        mine = [c.event for c in self.published if c.key == state.customer_id]
        return [e.to_json_dict() for e in mine[-limit:]]


class FakeIndex:
    """`before_claim` runs before each claim: a test's competitor can get there first."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}
        self.before_claim: Callable[[str], None] = lambda key: None

    async def owner(self, key: str) -> str | None:
        return self.entries.get(key)

    async def owners(self, keys: list[str]) -> dict[str, str | None]:
        return {key: self.entries.get(key) for key in keys}

    async def claim(self, key: str, customer_id: str) -> str:
        self.before_claim(key)
        return self.entries.setdefault(key, customer_id)

    async def claim_many(self, claims: Mapping[str, str]) -> dict[str, str]:
        return {key: await self.claim(key, owner) for key, owner in claims.items()}

    async def release(self, key: str, customer_id: str) -> None:
        if self.entries.get(key) == customer_id:
            del self.entries[key]


@dataclass
class FakeDuplicates:
    recorded: list[tuple[str, str, list[str]]] = field(default_factory=list)

    statuses: dict[tuple[str, str], DuplicateStatus] = field(default_factory=dict)

    async def record(self, a: str, b: str, keys: list[str], source: str) -> None:
        self.recorded.append((a, b, keys))

    async def mark(self, a: str, b: str, status: DuplicateStatus) -> None:
        self.statuses[min(a, b), max(a, b)] = status

    async def forget(self, customer_id: str) -> None:
        self.recorded = [r for r in self.recorded if customer_id not in r[:2]]


class FakeContactDocuments:
    def __init__(self) -> None:
        self.settings = Settings(identity_cache_ttl_seconds=0)
        self.index = FakeIndex()
        self.journal = FakeJournal(self.index)
        self.duplicates = FakeDuplicates()
