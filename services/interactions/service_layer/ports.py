"""What ingestion needs from the outside world; real adapters and test fakes both fit."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.interactions.domain.acceptance import Stamped
from services.interactions.domain.claims import Claim, Receipt
from shared.events.calls import CallRinging
from shared.events.customer import CustomerRef
from shared.position import Position


class InteractionLog(Protocol):
    async def publish(self, records: Sequence[Stamped]) -> list[Position | Exception]:
        """Send every record (in order, keyed by customer id), then wait for all
        acknowledgements. Returns, per record, where it was written or why it was not."""
        ...


class Ledger(Protocol):
    """Claims and receipts by event (`source` + `id`): the memory that makes a retried event
    one effect."""

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        """Insert each claim if its event is new; per claim, whether it was claimed before."""
        ...

    async def find(self, claim: Claim) -> tuple[Claim | None, Receipt | None]:
        """The claim and receipt of `claim`'s event, if any."""
        ...

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        """Replace `stale` (or claim a vanished id) by `claim`; False if someone else did first."""
        ...

    async def release(self, claims: Sequence[Claim]) -> None:
        """Forget claims whose events were not published, so a retry can publish them."""
        ...

    async def record(self, receipts: Sequence[Receipt]) -> None:
        """Keep the answers of published events (an existing receipt is left as it is)."""
        ...


@dataclass(frozen=True)
class Unidentified:
    """A `customer` block that names no customer: the field and why (e.g. an unknown id)."""

    field: str
    reason: str


class CustomerResolver(Protocol):
    """Identity resolution, owned by the contacts service."""

    async def resolve(self, refs: Sequence[CustomerRef]) -> list[str | Unidentified]:
        """Per block, in order: its customer id (a new customer if every identifier is new),
        or why it names none. Raises when the contacts service does not answer."""
        ...


class RingingLog(Protocol):
    async def publish(self, event: CallRinging) -> Position:
        """Send a ringing call to `c360.calls` keyed by agent id; where it was written."""
        ...
