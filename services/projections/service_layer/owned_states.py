"""The folded states of the customers a worker owns, kept in memory so a batch skips their read.

A worker owns every record of the customers of its partitions (partition n of every source topic
goes to one member), so what it last wrote for such a customer is what the store holds. That stays
true only while nothing else writes the document and no write is left in doubt, so an entry goes:

- when its partition is revoked at a rebalance (another member may write it next);
- when a batch that touched the customer fails, whatever failed (a store down, a guard conflict,
  a write that may or may not have landed): the retry reads the store;
- least recently used first, beyond `capacity` entries.

Other writers of `customer_360_gN` cannot make an entry serve stale state unnoticed: the segment
back-fill (in the query API process) changes only documents whose revision it checks and bumps,
and every state write of the projector is guarded by the revision it was folded from, so a stale
entry ends in a `VersionConflict`, which drops it and folds again from the store. A rebuild
writes another generation from a fresh process, and a worker that moves to a new generation builds
a new projector (and so a new, empty `OwnedStates`). States of customers merged into another one
belong to their own partition's owner and are always read from the store.
"""

from collections import OrderedDict
from collections.abc import Collection, Iterable

from services.projections.domain.state import CustomerState

DEFAULT_CAPACITY = 20_000  # `C360_PROJECTIONS_OWNED_STATES`


class OwnedStates:
    """An LRU map customer id -> (the partition whose records fold into it, its stored state)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[int, CustomerState]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, customer_id: str) -> CustomerState | None:
        entry = self._entries.get(customer_id)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(customer_id)
        return entry[1]

    def keep(self, partition: int, state: CustomerState) -> None:
        """`state` is what the store now holds for its customer (read, or just written)."""
        if self.capacity <= 0:
            return
        self._entries[state.customer_id] = (partition, state)
        self._entries.move_to_end(state.customer_id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, customer_ids: Iterable[str]) -> None:
        for customer_id in customer_ids:
            self._entries.pop(customer_id, None)

    def forget_partitions(self, partitions: Collection[int]) -> None:
        """Drop every customer of these partition numbers (of any source topic)."""
        gone = [c for c, (p, _) in self._entries.items() if p in partitions]
        self.forget(gone)

    def keep_only_partitions(self, partitions: Collection[int]) -> None:
        """Drop every customer of a partition not in `partitions` (the new assignment)."""
        gone = [c for c, (p, _) in self._entries.items() if p not in partitions]
        self.forget(gone)
