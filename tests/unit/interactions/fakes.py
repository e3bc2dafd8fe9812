"""Small in-memory fakes of the ingestion ports."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from services.interactions.domain.acceptance import Intake, Stamped
from services.interactions.domain.claims import Claim, Receipt
from services.interactions.domain.intake import read_bytes
from services.interactions.service_layer.ports import Unidentified
from shared.events.customer import CustomerRef
from shared.position import Position


class FakeResolver:
    """Customer id = the first identifier; phone "bad" names no customer. Counts the blocks
    asked for."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail_with: Exception | None = None

    async def resolve(self, refs: Sequence[CustomerRef]) -> list[str | Unidentified]:
        if self.fail_with:
            raise self.fail_with
        self.calls += len(refs)
        return [self._one(ref) for ref in refs]

    def _one(self, ref: CustomerRef) -> str | Unidentified:
        if ref.phone == "bad":
            return Unidentified("customer.phone", "'bad' is not a phone number")
        return f"c-{ref.customer_id or ref.email or ref.phone}"


class FakeLog:
    """Appends to one list; `fail_next` makes that many sends fail without being written."""

    def __init__(self) -> None:
        self.records: list[Intake] = []
        self.fail_next = 0
        self.gate: asyncio.Event | None = None

    async def publish(self, records: Sequence[Stamped]) -> list[Position | Exception]:
        if self.gate is not None:
            await self.gate.wait()
        out: list[Position | Exception] = []
        for record in records:
            if self.fail_next > 0:
                self.fail_next -= 1
                out.append(TimeoutError("broker unavailable"))
                continue
            self.records.append(read_bytes(record.value))
            topic = "c360.interactions" if record.about_a_customer else "c360.marketing"
            out.append(Position(topic, 0, len(self.records) - 1))
        return out

    def ids(self) -> list[str]:
        return [e.id for e in self.records]


class FakeLedger:
    def __init__(self) -> None:
        self.claims: dict[str, Claim] = {}
        self.receipts: dict[str, Receipt] = {}

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        taken = []
        for c in claims:
            taken.append(c.key in self.claims)
            self.claims.setdefault(c.key, c)
        return taken

    async def find(self, claim: Claim) -> tuple[Claim | None, Receipt | None]:
        return self.claims.get(claim.key), self.receipts.get(claim.key)

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        if self.claims.get(claim.key) != stale:
            return False
        self.claims[claim.key] = claim
        return True

    async def release(self, claims: Sequence[Claim]) -> None:
        for c in claims:
            if self.claims.get(c.key) == c:
                del self.claims[c.key]

    async def record(self, receipts: Sequence[Receipt]) -> None:
        for r in receipts:
            self.receipts.setdefault(r.key, r)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
