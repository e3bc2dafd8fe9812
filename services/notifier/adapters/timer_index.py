"""Durable timers: one document per partition (`_id` = `p<n>`) listing that partition's timers.

The periodic scan reads a handful of documents by `_id` instead of scanning a collection, and
remembers each partition's earliest due time, so in the steady state it reads nothing at all.
That memory is valid because only the partition's owner writes its document; the worker calls
`forget()` whenever its assignment changes.

Within the owner, customers are processed concurrently, and a guarded write is not atomic on
FerretDB v1 (two writers that read the same version may both succeed, and one's timers are
lost). So each partition's document has one writer at a time here: its read-modify-write runs
under the partition's lock.
"""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.notifier.domain.schedule import Timer, TimerPurpose
from shared.mongo import Document, replace_guarded


class TimerIndex:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self._earliest: dict[int, datetime | None] = {}  # partition -> earliest due, if read
        self._writing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def forget(self) -> None:
        self._earliest.clear()

    async def add(self, partition: int, timers: list[Timer]) -> None:
        """Schedule `timers` (a timer already scheduled under the same id is kept as it is)."""
        if not timers:
            return
        async with self._writing[partition]:
            entries, version = await self._read(partition)
            known = {e["id"] for e in entries}
            entries += [_entry(t) for t in timers if t.id not in known]
            await self._write(partition, entries, version)

    async def due(self, partition: int, now: datetime) -> list[Timer]:
        if partition in self._earliest:
            earliest = self._earliest[partition]
            if earliest is None or earliest > now:
                return []
        async with self._writing[partition]:  # what is remembered is never an older read
            entries, _ = await self._read(partition)
        due = [e for e in entries if datetime.fromisoformat(e["due_at"]) <= now]
        return [_timer(e) for e in sorted(due, key=lambda e: e["due_at"])]

    async def remove(self, partition: int, ids: set[str]) -> None:
        async with self._writing[partition]:
            entries, version = await self._read(partition)
            remaining = [e for e in entries if e["id"] not in ids]
            if len(remaining) != len(entries):
                await self._write(partition, remaining, version)

    async def pending(self) -> list[Timer]:
        """Every scheduled timer (for inspection and tests; this one scans)."""
        return [_timer(e) async for doc in self.collection.find({}) for e in doc["timers"]]

    async def _read(self, partition: int) -> tuple[list[dict[str, Any]], int]:
        doc = await self.collection.find_one({"_id": f"p{partition}"})
        entries, version = (list(doc["timers"]), int(doc["version"])) if doc else ([], 0)
        self._remember(partition, entries)
        return entries, version

    async def _write(self, partition: int, entries: list[dict[str, Any]], version: int) -> None:
        doc = {"_id": f"p{partition}", "timers": entries, "version": version + 1}
        await replace_guarded(self.collection, doc, version)
        self._remember(partition, entries)

    def _remember(self, partition: int, entries: list[dict[str, Any]]) -> None:
        self._earliest[partition] = min(
            (datetime.fromisoformat(e["due_at"]) for e in entries), default=None
        )


def _entry(timer: Timer) -> dict[str, Any]:
    return {
        "id": timer.id,
        "purpose": timer.purpose.value,
        "customer_id": timer.customer_id,
        "due_at": timer.due_at.astimezone(UTC).isoformat(),  # sortable as text
        "rule_id": timer.rule_id,
        "complaint_id": timer.complaint_id,
        "notification_id": timer.notification_id,
    }


def _timer(entry: dict[str, Any]) -> Timer:
    return Timer(
        id=entry["id"],
        purpose=TimerPurpose(entry["purpose"]),
        customer_id=entry["customer_id"],
        due_at=datetime.fromisoformat(entry["due_at"]),
        rule_id=entry.get("rule_id"),
        complaint_id=entry.get("complaint_id"),
        notification_id=entry.get("notification_id"),
    )
