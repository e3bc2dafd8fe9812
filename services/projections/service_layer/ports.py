"""What the projector needs from the outside world; the store adapter and test fakes both fit.

(Records and the dead letter sink are the batch runner's: `shared.consuming`.)"""

from collections.abc import Collection, Sequence
from typing import Protocol

from services.projections.domain.effects import Effect
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Entry


class ProjectionDocuments(Protocol):
    """One generation of the projection's documents, each read and written by `_id`."""

    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None: ...

    async def load_parts(
        self, customer_id: str, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], list[Entry]]:
        """The entries of each (day, part) timeline document; a missing one is empty."""
        ...

    async def save_buckets(
        self,
        customer_id: str,
        parts: dict[tuple[str, int], list[Entry]],
        fresh: Collection[tuple[str, int]] = (),
    ) -> None:
        """Write the parts; those in `fresh` were found absent (or empty) when loaded, so they
        are inserted (cheaper on the store), and overwritten if one exists after all."""
        ...

    async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
        """Write `state` if the stored one is still at `expected_revision` (0: absent), else
        raise `VersionConflict`."""
        ...

    async def apply_effects(self, effects: Sequence[Effect]) -> None:
        """Merge links, identity lookups and names, each written only by a newer stamp."""
        ...

    async def save_checkpoints(self, next_offsets: dict[tuple[str, int], int]) -> None:
        """Move each (topic, partition)'s next offset forward, never back."""
        ...
