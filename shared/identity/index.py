"""The identity index: `identity_index`, `_id` = `kind:value`, one owner per identifier.

Claims are inserts of a new `_id`, the one write that is atomic on MongoDB and FerretDB alike, so
of any number of concurrent first sightings exactly one wins and the rest read the winner.
"""

import asyncio

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document


class IdentityIndex:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.entries = db["identity_index"]

    async def owner(self, key: str) -> str | None:
        doc = await self.entries.find_one({"_id": key})
        return None if doc is None else str(doc["customer_id"])

    async def owners(self, keys: list[str]) -> dict[str, str | None]:
        found = await asyncio.gather(*(self.owner(key) for key in keys))
        return dict(zip(keys, found, strict=True))

    async def claim(self, key: str, customer_id: str) -> str:
        """Make `customer_id` the owner unless someone already is; returns the owner."""
        while True:
            try:
                await self.entries.insert_one({"_id": key, "customer_id": customer_id})
            except DuplicateKeyError:
                owner = await self.owner(key)
                if owner is not None:
                    return owner
                continue  # released between our insert and read: try again
            return customer_id

    async def release(self, key: str, customer_id: str) -> None:
        """Give up a claim that is still ours (after a failed create)."""
        await self.entries.delete_one({"_id": key, "customer_id": customer_id})
