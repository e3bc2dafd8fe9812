"""What folding a contact event asks of documents other than the customer's own.

Each effect carries the event's (time, id), and the store applies it only when it is newer than
what the target already holds, so effects written by different partitions (a merge on the
survivor's partition, an erase on the merged customer's) converge to one result in any order.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Stamp:
    at: datetime
    event_id: str

    def key(self) -> tuple[datetime, str]:
        return (self.at, self.event_id)


@dataclass(frozen=True)
class LinkChanged:
    """`merged_id` now resolves to `survivor_id` (None: to itself again, after an unmerge)."""

    merged_id: str
    survivor_id: str | None
    stamp: Stamp


@dataclass(frozen=True)
class IdentityClaimed:
    """An identifier (`kind:value`) points at `customer_id`."""

    key: str
    customer_id: str
    stamp: Stamp


@dataclass(frozen=True)
class IdentityReleased:
    """Erasure: the identifier points at nobody, unless it already points at someone else."""

    key: str
    customer_id: str
    stamp: Stamp


@dataclass(frozen=True)
class NameChanged:
    """The name directory entry of `customer_id` (None: no name, or erased)."""

    customer_id: str
    name: str | None
    stamp: Stamp


Effect = LinkChanged | IdentityClaimed | IdentityReleased | NameChanged
