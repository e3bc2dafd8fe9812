"""The query API's near cache: resolved views and identity owners kept in memory, evicted by the
log itself, so the call-center hot path reads no store at all for a customer that has not
changed.

Correctness rests on two facts. Every source record is keyed by the customer it concerns, and a
change feed in this process reads every record from the projector's checkpoints on (`saw`): a
record evicts every cached view that contains its customer and leaves a *pending* mark. And the
projector writes a partition's checkpoint only after the views it covers: a view loaded when the
checkpoint had passed every pending mark of its members holds those records, so it may be kept.
A load that could predate a pending record is served but not kept.

Identity owners change only through contact records, so any contact record clears them, and one
is kept only when every contact record seen so far had been folded in before it was read.
"""

import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.projections.adapters.views import Resolved
from services.projections.service_layer.rendered import RenderedView

Partition = tuple[str, int]
Checkpoints = Mapping[Partition, int]  # next offset to fold, per source partition

PRUNE_AFTER_S = 30.0  # marks folded in this long ago are forgotten...
MAX_LOAD_AGE_S = 10.0  # ...so a load that started longer ago than this is never kept


@dataclass(frozen=True)
class Snapshot:
    """The projector's checkpoints as read at `taken` (monotonic seconds)."""

    checkpoints: Checkpoints
    taken: float

    def covers(self, partition: Partition, offset: int) -> bool:
        return self.checkpoints.get(partition, 0) > offset


@dataclass
class ViewCache:
    capacity: int
    generation: str | None = None  # None: not following the log yet, nothing is kept
    _views: OrderedDict[str, tuple[Resolved, frozenset[str]]] = field(default_factory=OrderedDict)
    _by_member: dict[str, set[str]] = field(default_factory=dict)
    _rendered: dict[str, RenderedView] = field(default_factory=dict)
    _owners: OrderedDict[str, str | None] = field(default_factory=OrderedDict)
    _pending: dict[str, tuple[Partition, int]] = field(default_factory=dict)
    _contacts_seen: dict[Partition, int] = field(default_factory=dict)
    _seen: dict[Partition, int] = field(default_factory=dict)
    _snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def latest(self) -> Snapshot | None:
        return self._snapshots[-1] if self._snapshots else None

    def follow(self, generation: str) -> None:
        """The change feed reads from `generation`'s checkpoints on: caching may start."""
        self.reset()
        self.generation = generation

    def reset(self) -> None:
        """Forget everything and keep nothing until `follow` (a new generation is active)."""
        self.generation = None
        self._views.clear()
        self._by_member.clear()
        self._rendered.clear()
        self._owners.clear()
        self._pending.clear()
        self._contacts_seen.clear()
        self._seen.clear()
        self._snapshots.clear()

    def saw(
        self, partition: Partition, offset: int, customers: Iterable[str], contact: bool
    ) -> None:
        """A source record at `offset` concerns `customers` (its key, and both sides of a merge)."""
        self._seen[partition] = offset
        for customer in customers:
            self._pending[customer] = (partition, offset)
            for requested in self._by_member.pop(customer, ()):
                self._drop_view(requested)
        if contact:
            self._contacts_seen[partition] = max(offset, self._contacts_seen.get(partition, -1))
            self._owners.clear()

    def checkpoints_read(self, snapshot: Snapshot) -> None:
        """A fresh read of the checkpoints; marks folded in long enough ago are forgotten."""
        self._snapshots.append(snapshot)
        while (
            len(self._snapshots) > 1 and self._snapshots[1].taken <= snapshot.taken - PRUNE_AFTER_S
        ):
            self._snapshots.pop(0)
        old = self._snapshots[0]
        if old.taken <= snapshot.taken - PRUNE_AFTER_S:
            self._pending = {c: m for c, m in self._pending.items() if not old.covers(*m)}

    def folded_all_seen(self) -> bool:
        """Do the latest checkpoints cover every record the feed has read? Then nothing is
        pending, and checkpoints can only move after the feed reads a new record."""
        latest = self.latest
        return latest is not None and all(latest.covers(p, o) for p, o in self._seen.items())

    def has_seen(self, partition: Partition, offset: int) -> bool:
        """Has the feed read `offset`? Until it has, a kept view may predate that record."""
        return self.generation is None or self._seen.get(partition, -1) >= offset

    def view(self, generation: str, requested_id: str) -> Resolved | None:
        found = self._views.get(requested_id) if generation == self.generation else None
        if found is None:
            return None
        self._views.move_to_end(requested_id)
        return found[0]

    def rendered(self, generation: str, requested_id: str) -> RenderedView | None:
        """The kept view's answer as last serialized (check `fresh_at` before serving it)."""
        found = self._rendered.get(requested_id) if generation == self.generation else None
        if found is not None:
            self._views.move_to_end(requested_id)
        return found

    def keep_rendered(self, generation: str, resolved: Resolved, rendered: RenderedView) -> None:
        """Keep `rendered` while `resolved`, the view it was made from, is kept."""
        found = self._views.get(resolved.requested_id)
        if generation == self.generation and found is not None and found[0] is resolved:
            self._rendered[resolved.requested_id] = rendered

    def keep_view(self, generation: str, resolved: Resolved, loaded_after: Snapshot) -> None:
        """Keep `resolved`, loaded after `loaded_after` was read, if nothing newer is pending."""
        members = frozenset(m.customer_id for m in resolved.members) | {resolved.requested_id}
        if not self._may_keep(generation, loaded_after, members):
            return
        self._drop_view(resolved.requested_id)
        self._views[resolved.requested_id] = (resolved, members)
        for member in members:
            self._by_member.setdefault(member, set()).add(resolved.requested_id)
        while len(self._views) > self.capacity:
            self._drop_view(next(iter(self._views)))

    def owner(self, generation: str, key: str) -> tuple[bool, str | None]:
        """(known, owner) of an identity key; owner None means no such customer."""
        if generation != self.generation or key not in self._owners:
            return False, None
        self._owners.move_to_end(key)
        return True, self._owners[key]

    def keep_owner(
        self, generation: str, key: str, owner: str | None, loaded_after: Snapshot
    ) -> None:
        contacts_folded = all(loaded_after.covers(p, o) for p, o in self._contacts_seen.items())
        if not contacts_folded or not self._may_keep(generation, loaded_after, frozenset()):
            return
        self._owners[key] = owner
        while len(self._owners) > self.capacity:
            self._owners.popitem(last=False)

    def _may_keep(self, generation: str, loaded_after: Snapshot, members: frozenset[str]) -> bool:
        if generation != self.generation or self.capacity <= 0:
            return False
        if time.monotonic() - loaded_after.taken > MAX_LOAD_AGE_S:
            return False
        marks = (self._pending.get(m) for m in members)
        return all(mark is None or loaded_after.covers(*mark) for mark in marks)

    def _drop_view(self, requested_id: str) -> None:
        found = self._views.pop(requested_id, None)
        self._rendered.pop(requested_id, None)
        for member in () if found is None else found[1]:
            keys = self._by_member.get(member)
            if keys is not None:
                keys.discard(requested_id)
                if not keys:
                    del self._by_member[member]

    def __len__(self) -> int:
        return len(self._views)
