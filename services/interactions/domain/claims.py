"""Deciding what to do with an event that someone has claimed before.

An event is its `source` + `id` (CloudEvents: two adapters may use the same id). An ingestion
first claims each event's key (insert-if-absent), publishes, and then writes a receipt. A later
copy of the same event finds the claim and, depending on what it finds, replays the receipt,
refuses different content, waits for the claimant, or takes over a claim whose owner is gone.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.events.envelope import idempotency_key

# Claims and receipts written before the source was part of the key: keyed by the bare id.
UNKNOWN_SOURCE = ""


def ledger_key(source: str, event_id: str) -> str:
    return event_id if source == UNKNOWN_SOURCE else idempotency_key(source, event_id)


@dataclass(frozen=True)
class Claim:
    """An ingestion is accepting the event `source` + `event_id` with this content; written
    before publishing."""

    event_id: str
    fingerprint: str
    owner: str
    claimed_at: datetime
    source: str = UNKNOWN_SOURCE

    @property
    def key(self) -> str:
        return ledger_key(self.source, self.event_id)


@dataclass(frozen=True)
class Receipt:
    """The answer given when the event was accepted, kept for retries."""

    event_id: str
    fingerprint: str
    customer_id: str
    position: str
    accepted_at: datetime
    source: str = UNKNOWN_SOURCE

    @property
    def key(self) -> str:
        return ledger_key(self.source, self.event_id)


@dataclass(frozen=True)
class Replay:
    receipt: Receipt


@dataclass(frozen=True)
class Reused:
    """Same id, different content: an adapter bug, refused with 409."""


@dataclass(frozen=True)
class Wait:
    """Another ingestion is accepting this id right now; its receipt will appear."""


@dataclass(frozen=True)
class TakeOver:
    """The claim is older than any live ingestion can be (its owner died before the receipt),
    or it was released (its publish failed) and is gone: claim the id again."""

    stale: Claim | None


Decision = Replay | Reused | Wait | TakeOver


def decide(
    fingerprint: str,
    claim: Claim | None,
    receipt: Receipt | None,
    now: datetime,
    takeover_after: timedelta,
) -> Decision:
    """What a copy of an event (with `fingerprint`) does about an existing claim and receipt."""
    known = receipt.fingerprint if receipt else claim.fingerprint if claim else fingerprint
    if known != fingerprint:
        return Reused()
    if receipt is not None:
        return Replay(receipt)
    if claim is None:
        return TakeOver(None)
    if now - claim.claimed_at >= takeover_after:
        return TakeOver(claim)
    return Wait()
