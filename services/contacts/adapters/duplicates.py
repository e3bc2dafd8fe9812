"""Possible duplicates: two customers that one event's identifiers pointed at.

They are recorded for an agent (or a rule) to merge explicitly; c360 never merges on its own.
`_id` is the ordered pair, so each pair is one record however often it is seen.
"""

from datetime import UTC, datetime

from prometheus_client import Counter
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contacts.domain.duplicates import DuplicateStatus
from shared.mongo import Document

RECORDED = Counter("c360_possible_duplicates_total", "Identity conflicts recorded", ["source"])


def pair_id(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{first}|{second}"


class PossibleDuplicates:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.records = db["possible_duplicates"]

    async def record(self, a: str, b: str, keys: list[str], source: str) -> None:
        """Note that `keys` tie customer `a` to customer `b`."""
        RECORDED.labels(source).inc()
        now = datetime.now(UTC)
        doc_id = pair_id(a, b)
        try:
            await self.records.insert_one(
                {
                    "_id": doc_id,
                    "customers": sorted((a, b)),
                    "keys": sorted(keys),
                    "source": source,
                    "status": DuplicateStatus.OPEN.value,
                    "first_seen": now,
                    "last_seen": now,
                    "count": 1,
                }
            )
        except DuplicateKeyError:
            # Counting is advisory, so a lost increment under concurrency is acceptable.
            await self.records.update_one(
                {"_id": doc_id},
                {
                    "$set": {"last_seen": now},
                    "$inc": {"count": 1},
                    "$addToSet": {"keys": {"$each": keys}},
                },
            )

    async def mark(self, a: str, b: str, status: DuplicateStatus) -> None:
        await self.records.update_one({"_id": pair_id(a, b)}, {"$set": {"status": status.value}})

    async def forget(self, customer_id: str) -> None:
        """An erased customer's possible duplicates go: they name its identifiers."""
        for doc in await self.listing(customer_id):
            await self.records.delete_one({"_id": doc["_id"]})

    async def listing(self, customer_id: str | None = None) -> list[Document]:
        """Every record (or one customer's), newest first; the collection is small."""
        found = [doc async for doc in self.records.find({})]
        if customer_id:
            found = [d for d in found if customer_id in d["customers"]]
        return sorted(found, key=lambda d: d["last_seen"], reverse=True)
