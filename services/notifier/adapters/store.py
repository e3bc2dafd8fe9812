"""The notifier's documents, all read and written by `_id` (FerretDB pushes down nothing else).

- `notifier_customers`: one CustomerState per customer, version-guarded.
- `notifier_notifications`: one record per notification id; insert-if-absent is the claim.
- `notifier_timers`: per-partition timer documents (see `timer_index.py`).
- `notifier_birthdays`: `<MM-DD>|p<n>` -> the customer ids of that partition born on that day.

Timer and birthday documents are shared by the customers of a partition, which are processed
concurrently; a guarded write is not atomic on FerretDB v1, so each such document is written by
one coroutine at a time (a lock per document id).
"""

import asyncio
from collections import defaultdict

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifier.adapters.timer_index import TimerIndex
from services.notifier.domain.customer import CustomerState
from services.notifier.domain.notification import Notification
from shared.mongo import Document, replace_guarded


class NotifierStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.customers = db["notifier_customers"]
        self.notifications = db["notifier_notifications"]
        self.timers = TimerIndex(db["notifier_timers"])
        self.birthdays = db["notifier_birthdays"]
        self._filing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

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

    async def ids_of_customer(self, customer_id: str) -> list[str]:
        """Every notification id of the customer, oldest first: a scan of the collection (the
        state remembers only the newest), for erasure and subject access, never a hot path."""
        cursor = self.notifications.find({"customer_id": customer_id}, {"triggered_at": 1})
        found = [(doc.get("triggered_at"), str(doc["_id"])) async for doc in cursor]
        return [doc_id for _, doc_id in sorted(found, key=lambda f: (str(f[0]), f[1]))]

    async def save(self, notification: Notification) -> None:
        await self.notifications.replace_one({"_id": notification.id}, _doc(notification))

    async def file_birthday(self, partition: int, customer_id: str, bucket: str) -> None:
        doc_id = f"{bucket}|p{partition}"
        async with self._filing[doc_id]:
            doc = await self.birthdays.find_one({"_id": doc_id})
            customers, version = (list(doc["customers"]), int(doc["version"])) if doc else ([], 0)
            if customer_id in customers:
                return
            new = {"_id": doc_id, "customers": [*customers, customer_id], "version": version + 1}
            await replace_guarded(self.birthdays, new, version)

    async def unfile_birthday(self, partition: int, customer_id: str, bucket: str) -> None:
        doc_id = f"{bucket}|p{partition}"
        async with self._filing[doc_id]:
            doc = await self.birthdays.find_one({"_id": doc_id})
            if doc is None or customer_id not in doc["customers"]:
                return
            customers = [c for c in doc["customers"] if c != customer_id]
            new = {"_id": doc_id, "customers": customers, "version": int(doc["version"]) + 1}
            await replace_guarded(self.birthdays, new, int(doc["version"]))

    async def born_on(self, partition: int, bucket: str) -> list[str]:
        doc = await self.birthdays.find_one({"_id": f"{bucket}|p{partition}"})
        return list(doc["customers"]) if doc else []


def _doc(notification: Notification) -> Document:
    return {"_id": notification.id, **notification.model_dump(mode="json", exclude={"id"})}


def _notification(doc: Document) -> Notification:
    return Notification.model_validate({**doc, "id": doc["_id"]})
