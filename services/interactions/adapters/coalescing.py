"""Group commit for the ledger: concurrent requests' claims (and receipts) go to the store in one
bulk insert instead of one insert each.

The store serialises writes (FerretDB on SQLite takes one write lock per database), so sixteen
concurrent single-event requests would otherwise queue sixteen inserts behind each other. Here,
while one write is in flight, new items wait and all of them go together in the next write; an
idle ledger writes claims at once, so a lone request pays no extra latency; receipts, which no
answer waits for, gather for 20 ms first.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from services.interactions.adapters.ledger import MongoLedger
from services.interactions.domain.claims import Claim, Receipt

Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_ITEMS_PER_WRITE = 5_000
RECEIPTS_GATHER_S = 0.02
Waiting = tuple[list[Item], "asyncio.Future[list[Result]]"]


class Coalescer(Generic[Item, Result]):
    """`gather_s` > 0 holds an idle writer's first write that long, so that what arrives
    meanwhile shares it: for writes nobody waits on (receipts), never on a request's path."""

    def __init__(
        self, write: Callable[[list[Item]], Awaitable[list[Result]]], gather_s: float = 0.0
    ) -> None:
        self.write = write
        self.gather_s = gather_s
        self._waiting: list[Waiting[Item, Result]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, items: Sequence[Item]) -> list[Result]:
        """Write `items` together with whatever else is waiting; returns their results."""
        future: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(items), future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        if self.gather_s:
            await asyncio.sleep(self.gather_s)
        while self._waiting:
            group: list[Waiting[Item, Result]] = []
            count = 0
            while self._waiting and (
                not group or count + len(self._waiting[0][0]) <= MAX_ITEMS_PER_WRITE
            ):
                group.append(self._waiting.pop(0))
                count += len(group[-1][0])
            await self._write_group(group)

    async def _write_group(self, group: "list[Waiting[Item, Result]]") -> None:
        try:
            results = await self.write([item for items, _ in group for item in items])
        except Exception as exc:  # every caller of this write sees the failure
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)
            return
        start = 0
        for items, future in group:
            if not future.done():  # a caller may have been cancelled meanwhile
                future.set_result(results[start : start + len(items)])
            start += len(items)


class CoalescingLedger:
    """`MongoLedger` with claims and receipts written in groups; reads pass straight through."""

    def __init__(self, ledger: MongoLedger) -> None:
        self.ledger = ledger
        self._claims: Coalescer[Claim, bool] = Coalescer(ledger.claim)
        # Receipts are written after the answer: a short wait lets one write carry many.
        self._receipts: Coalescer[Receipt, None] = Coalescer(self._record_all, RECEIPTS_GATHER_S)

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        return await self._claims.submit(claims)

    async def record(self, receipts: Sequence[Receipt]) -> None:
        await self._receipts.submit(receipts)

    async def find(self, claim: Claim) -> tuple[Claim | None, Receipt | None]:
        return await self.ledger.find(claim)

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        return await self.ledger.take_over(stale, claim)

    async def release(self, claims: Sequence[Claim]) -> None:
        await self.ledger.release(claims)

    async def _record_all(self, receipts: list[Receipt]) -> list[None]:
        await self.ledger.record(receipts)
        return [None] * len(receipts)
