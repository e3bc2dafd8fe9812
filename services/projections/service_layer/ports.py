"""What the projector needs from the outside world; the store adapter and test fakes both fit.

Every call takes a whole batch's customers, so a batch costs a few round trips however many
customers it touches. (Records and the dead letter sink are the batch runner's:
`shared.consuming`.)"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from services.projections.domain.effects import Effect
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Entry

Part = tuple[str, int]  # (day, part number) of a customer's timeline


@dataclass(frozen=True)
class PartWrites:
    """A customer's timeline parts to write; those in `fresh` were found absent (or empty) when
    loaded, so they are inserted (cheaper on the store), and overwritten if one exists after all."""

    parts: dict[Part, list[Entry]]
    fresh: frozenset[Part] = frozenset()


class ProjectionDocuments(Protocol):
    """One generation of the projection's documents, each read and written by `_id`."""

    async def load_states(self, customer_ids: Collection[str]) -> dict[str, CustomerState]:
        """The stored state of each customer that has one."""
        ...

    async def load_parts_of(
        self, wanted: Mapping[str, Sequence[Part]]
    ) -> dict[str, dict[Part, list[Entry]]]:
        """By customer, the entries of each wanted timeline part; a missing one is empty."""
        ...

    async def save_parts(self, writes: Mapping[str, PartWrites]) -> None: ...

    async def save_states(
        self, states: Sequence[tuple[CustomerState, int]]
    ) -> tuple[list[CustomerState], dict[str, int]]:
        """Write each state if the stored one is still at the revision given with it (0:
        absent). Returns the states written (at their new revision) and, by customer id, the
        expected revision of each one not known to be written (a conflict, or in doubt)."""
        ...

    async def apply_effects(self, effects: Sequence[Effect]) -> None:
        """Merge links, identity lookups and names, each written only by a newer stamp."""
        ...

    async def save_checkpoints(self, next_offsets: dict[tuple[str, int], int]) -> None:
        """Move each (topic, partition)'s next offset forward, never back."""
        ...
