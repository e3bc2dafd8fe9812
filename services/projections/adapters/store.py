"""The projection's documents in the Mongo-protocol store, all read and written by `_id`.

One generation of collections per fold of the log (`g1`, `g2`...): a rebuild fills a new one
while reads stay on the active one (`projection_generations`, `_id` "active").
"""

import asyncio
from collections.abc import Iterable

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Day, Entry, bucket_id
from shared.mongo import Document, VersionConflict

GENERATIONS = "projection_generations"
FIRST_GENERATION = "g1"


class ProjectionStore:
    def __init__(self, db: AsyncDatabase[Document], generation: str) -> None:
        self.db = db
        self.generation = generation
        self.customers = db[f"customer_360_{generation}"]
        self.timeline = db[f"timeline_{generation}"]
        self.links = db[f"merge_links_{generation}"]
        self.identities = db[f"identity_lookup_{generation}"]
        self.names = db[f"name_directory_{generation}"]
        self.checkpoints = db[f"checkpoints_{generation}"]

    def collections(self) -> list[str]:
        return [
            c.name
            for c in (
                self.customers,
                self.timeline,
                self.links,
                self.identities,
                self.names,
                self.checkpoints,
            )
        ]

    async def load_state(self, customer_id: str) -> CustomerState | None:
        doc = await self.customers.find_one({"_id": customer_id})
        return None if doc is None else CustomerState.model_validate(_without_id(doc))

    async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
        """Write `state` only if the stored one is still at `expected_revision` (0: absent)."""
        saved = state.model_copy(update={"revision": expected_revision + 1})
        doc = {"_id": state.customer_id, **saved.model_dump(mode="json")}
        if expected_revision == 0:
            try:
                await self.customers.insert_one(doc)
            except DuplicateKeyError:
                raise VersionConflict(state.customer_id, 0) from None
            return saved
        result = await self.customers.replace_one(
            {"_id": state.customer_id, "revision": expected_revision}, doc
        )
        if result.matched_count != 1:
            raise VersionConflict(state.customer_id, expected_revision)
        return saved

    async def load_days(self, customer_id: str, parts: dict[str, int]) -> dict[str, Day]:
        """The buckets of each day (`parts[day]` of them; a missing one is an empty part)."""
        ids = [
            (day, bucket_id(customer_id, day, n))
            for day, count in parts.items()
            for n in range(count)
        ]
        docs = await asyncio.gather(*(self.timeline.find_one({"_id": i}) for _, i in ids))
        days: dict[str, Day] = {}
        for (day, _), doc in zip(ids, docs, strict=True):
            loaded = days.setdefault(day, Day(customer_id, day, []))
            if doc is not None:
                loaded.parts.append([Entry.model_validate(e) for e in doc["entries"]])
        return days

    async def save_days(self, days: Iterable[Day]) -> None:
        writes = [
            self.timeline.replace_one(
                {"_id": bucket_id(day.customer_id, day.day, n)},
                {
                    "customer_id": day.customer_id,
                    "day": day.day,
                    "part": n,
                    "entries": [e.model_dump(mode="json") for e in day.parts[n]],
                },
                upsert=True,
            )
            for day in days
            for n in sorted(day.changed)
        ]
        await asyncio.gather(*writes)

    async def checkpoint(self, topic: str, partition: int) -> int:
        """The next offset of `topic`/`partition` to fold: everything before it is visible."""
        doc = await self.checkpoints.find_one({"_id": f"{topic}|{partition}"})
        return int(doc["next_offset"]) if doc else 0

    async def save_checkpoints(self, next_offsets: dict[tuple[str, int], int]) -> None:
        async def one(topic: str, partition: int, offset: int) -> None:
            if offset > await self.checkpoint(topic, partition):  # never move it back
                await self.checkpoints.replace_one(
                    {"_id": f"{topic}|{partition}"},
                    {"topic": topic, "partition": partition, "next_offset": offset},
                    upsert=True,
                )

        await asyncio.gather(*(one(t, p, o) for (t, p), o in next_offsets.items()))


def _without_id(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if k != "_id"}


async def active_generation(db: AsyncDatabase[Document]) -> str:
    doc = await db[GENERATIONS].find_one({"_id": "active"})
    return str(doc["generation"]) if doc else FIRST_GENERATION


async def activate_generation(db: AsyncDatabase[Document], generation: str) -> None:
    await db[GENERATIONS].replace_one({"_id": "active"}, {"generation": generation}, upsert=True)


async def generations(db: AsyncDatabase[Document]) -> list[Document]:
    """Every generation ever built, oldest first."""
    docs = [d async for d in db[GENERATIONS].find({"_id": {"$ne": "active"}})]
    return sorted(docs, key=lambda d: int(str(d["_id"]).removeprefix("g")))


async def record_generation(db: AsyncDatabase[Document], generation: str, **fields: object) -> None:
    await db[GENERATIONS].update_one({"_id": generation}, {"$set": fields}, upsert=True)
