"""Purchase histories in MongoDB, one document per customer by `_id`, per generation.

A rebuild folds the log into a new generation (`purchase_history_g2`...) while the service keeps
using the active one (`analytics_generations`, `_id` "active"). Keys never hold `.` or `$`, so
positions and orders are lists; `days` (currency -> day -> net minor units) is written for
readers and recomputed from the orders, never read back.
"""

from collections.abc import Collection
from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.domain.history import Order, PurchaseHistory, Refund
from shared.mongo import Document, read_by_ids, replace_guarded

GENERATIONS = "analytics_generations"
FIRST_GENERATION = "g1"


class MongoHistoryStore:
    def __init__(self, db: AsyncDatabase[Document], generation: str) -> None:
        self.collection = db[f"purchase_history_{generation}"]

    async def load(self, customer_ids: Collection[str]) -> dict[str, PurchaseHistory]:
        docs = await read_by_ids(self.collection, list(customer_ids))
        return {customer: from_document(doc) for customer, doc in docs.items()}

    async def save(self, history: PurchaseHistory) -> None:
        await replace_guarded(self.collection, to_document(history), history.version)

    async def all(self) -> dict[str, PurchaseHistory]:
        return {doc["_id"]: from_document(doc) async for doc in self.collection.find({})}


class ActiveHistoryStore:
    """The histories of whichever generation is active at the time of each call."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db

    async def _active(self) -> MongoHistoryStore:
        return MongoHistoryStore(self.db, await active_generation(self.db))

    async def load(self, customer_ids: Collection[str]) -> dict[str, PurchaseHistory]:
        return await (await self._active()).load(customer_ids)

    async def save(self, history: PurchaseHistory) -> None:
        await (await self._active()).save(history)

    async def all(self) -> dict[str, PurchaseHistory]:
        return await (await self._active()).all()


def to_document(h: PurchaseHistory) -> Document:
    currencies = sorted(h.currencies())
    return {
        "_id": h.customer_id,
        "version": h.version + 1,
        "positions": [{"at": at, "offset": offset} for at, offset in sorted(h.positions.items())],
        "orders": [
            {
                "order_id": oid,
                "day": o.day.isoformat(),
                "currency": o.currency,
                "amount_minor": o.amount_minor,
            }
            for oid, o in h.orders.items()
        ],
        "refunds": [
            {
                "refund_id": rid,
                "order_id": r.order_id,
                "currency": r.currency,
                "amount_minor": r.amount_minor,
            }
            for rid, r in h.refunds.items()
        ],
        "days": {
            c: {d.isoformat(): amount for d, amount in h.purchase_days(c).items()}
            for c in currencies
        },
        "first_purchase_at": h.first_purchase_at,
        "acquisition": {"source": h.acquisition_source, "channel": h.acquisition_channel},
        "absorbed": sorted(h.absorbed),
        "erased": h.erased,
    }


def from_document(doc: Document) -> PurchaseHistory:
    acquisition = doc.get("acquisition") or {}
    return PurchaseHistory(
        customer_id=doc["_id"],
        version=int(doc["version"]),
        positions={p["at"]: int(p["offset"]) for p in doc.get("positions", [])},
        orders={
            o["order_id"]: Order(
                date.fromisoformat(o["day"]), o["currency"], int(o["amount_minor"])
            )
            for o in doc.get("orders", [])
        },
        refunds={
            r["refund_id"]: Refund(r["order_id"], r["currency"], int(r["amount_minor"]))
            for r in doc.get("refunds", [])
        },
        first_purchase_at=doc.get("first_purchase_at"),
        acquisition_source=acquisition.get("source"),
        acquisition_channel=acquisition.get("channel"),
        absorbed=frozenset(doc.get("absorbed", [])),
        erased=bool(doc.get("erased", False)),
    )


async def active_generation(db: AsyncDatabase[Document]) -> str:
    doc = await db[GENERATIONS].find_one({"_id": "active"})
    return str(doc["generation"]) if doc else FIRST_GENERATION


async def activate_generation(db: AsyncDatabase[Document], generation: str) -> None:
    await db[GENERATIONS].replace_one({"_id": "active"}, {"generation": generation}, upsert=True)


async def next_generation(db: AsyncDatabase[Document]) -> str:
    """`g<N+1>` after the highest generation built so far (or the active one)."""
    numbers = [int((await active_generation(db))[1:])]
    async for doc in db[GENERATIONS].find({}):
        if str(doc["_id"]).startswith("g") and str(doc["_id"])[1:].isdigit():
            numbers.append(int(str(doc["_id"])[1:]))
    generation = f"g{max(numbers) + 1}"
    await db[GENERATIONS].replace_one({"_id": generation}, {"status": "building"}, upsert=True)
    return generation
