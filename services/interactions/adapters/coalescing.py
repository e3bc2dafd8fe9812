"""Group commit for the ledger: concurrent requests' claims (and receipts) go to the store in one
bulk insert instead of one insert each.

The store serialises writes (FerretDB on SQLite takes one write lock per database), so sixteen
concurrent single-event requests would otherwise queue sixteen inserts behind each other. Here,
while one write is in flight, new items wait and all of them go together in the next write; an
idle ledger writes at once, so a lone request pays no extra latency.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from services.interactions.adapters.ledger import MongoLedger
from services.interactions.domain.claims import Claim, Receipt

Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_ITEMS_PER_WRITE = 5_000
Waiting = tuple[list[Item], "asyncio.Future[list[Result]]"]


class Coalescer(Generic[Item, Result]):
    def __init__(self, write: Callable[[list[Item]], Awaitable[list[Result]]]) -> None:
        self.write = write
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
        self._receipts: Coalescer[Receipt, None] = Coalescer(self._record_all)

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
