"""The notifier's documents, all read and written by `_id` (FerretDB pushes down nothing else).

- `notifier_customers`: one CustomerState per customer, version-guarded.
- `notifier_notifications`: one record per notification id; insert-if-absent is the claim.
- `notifier_timers`: one index document per partition (`p<n>`) listing that partition's timers,
  so the periodic scan reads a handful of documents by `_id` instead of scanning a collection.
- `notifier_birthdays`: `<MM-DD>|p<n>` -> the customer ids of that partition born on that day.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifier.domain.customer import CustomerState
from services.notifier.domain.notification import Notification
from services.notifier.domain.schedule import Timer, TimerPurpose
from shared.mongo import Document, replace_guarded


class NotifierStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.customers = db["notifier_customers"]
        self.notifications = db["notifier_notifications"]
        self.timers = db["notifier_timers"]
        self.birthdays = db["notifier_birthdays"]

    async def load_state(self, customer_id: str) -> CustomerState:
        doc = await self.customers.find_one({"_id": customer_id})
        if doc is None:
            return CustomerState(customer_id=customer_id)
        doc.pop("_id")
        return CustomerState.model_validate(doc)

    async def save_state(self, state: CustomerState) -> CustomerState:
        """Write `state` over the version it was loaded at; raises VersionConflict otherwise."""
        saved = state.model_copy(update={"version": state.version + 1})
        doc = {"_id": state.customer_id, **saved.model_dump(mode="json")}
        await replace_guarded(self.customers, doc, state.version)
        return saved

    async def claim(self, notification: Notification) -> Notification:
        """Insert if absent; when the id exists, the stored record wins (it may be further on)."""
        try:
            await self.notifications.insert_one(_doc(notification))
        except DuplicateKeyError:
            stored = await self.get(notification.id)
            if stored is not None:
                return stored
            raise
        return notification

    async def get(self, notification_id: str) -> Notification | None:
        doc = await self.notifications.find_one({"_id": notification_id})
        return None if doc is None else _notification(doc)

    async def get_many(self, ids: list[str]) -> list[Notification]:
        found = await asyncio.gather(*(self.get(i) for i in ids))
        return [n for n in found if n is not None]

    async def save(self, notification: Notification) -> None:
        await self.notifications.replace_one({"_id": notification.id}, _doc(notification))

    async def add_timers(self, partition: int, timers: list[Timer]) -> None:
        if not timers:
            return
        entries, version = await self._timer_index(partition)
        known = {e["id"] for e in entries}
        entries += [_timer_doc(t) for t in timers if t.id not in known]
        await self._write_timer_index(partition, entries, version)

    async def due_timers(self, partition: int, now: datetime) -> list[Timer]:
        entries, _ = await self._timer_index(partition)
        due = [e for e in entries if datetime.fromisoformat(e["due_at"]) <= now]
        return [_timer(e) for e in sorted(due, key=lambda e: e["due_at"])]

    async def remove_timers(self, partition: int, ids: set[str]) -> None:
        entries, version = await self._timer_index(partition)
        remaining = [e for e in entries if e["id"] not in ids]
        if len(remaining) != len(entries):
            await self._write_timer_index(partition, remaining, version)

    async def _timer_index(self, partition: int) -> tuple[list[dict[str, Any]], int]:
        doc = await self.timers.find_one({"_id": f"p{partition}"})
        return (list(doc["timers"]), int(doc["version"])) if doc else ([], 0)

    async def _write_timer_index(
        self, partition: int, entries: list[dict[str, Any]], version: int
    ) -> None:
        doc = {"_id": f"p{partition}", "timers": entries, "version": version + 1}
        await replace_guarded(self.timers, doc, version)

    async def file_birthday(self, partition: int, customer_id: str, bucket: str) -> None:
        doc_id = f"{bucket}|p{partition}"
        doc = await self.birthdays.find_one({"_id": doc_id})
        customers, version = (list(doc["customers"]), int(doc["version"])) if doc else ([], 0)
        if customer_id in customers:
            return
        new = {"_id": doc_id, "customers": [*customers, customer_id], "version": version + 1}
        await replace_guarded(self.birthdays, new, version)

    async def born_on(self, partition: int, bucket: str) -> list[str]:
        doc = await self.birthdays.find_one({"_id": f"{bucket}|p{partition}"})
        return list(doc["customers"]) if doc else []


def _doc(notification: Notification) -> Document:
    return {"_id": notification.id, **notification.model_dump(mode="json", exclude={"id"})}


def _notification(doc: Document) -> Notification:
    return Notification.model_validate({**doc, "id": doc["_id"]})


def _timer_doc(timer: Timer) -> dict[str, Any]:
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
