"""The identity index: `identity_index`, one owner per identifier, keyed by its blind id.

`_id` is the blind id of `kind:value` (`shared.privacy.blind`): the index answers "who owns this
identifier" for whoever holds the identifier, and holds no readable identifier itself. Callers
speak `kind:value`; only this adapter sees blind ids.

Claims are inserts of a new `_id`, the one write that is atomic on MongoDB and FerretDB alike, so
of any number of concurrent first sightings exactly one wins and the rest read the winner.
"""

from collections.abc import Mapping

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document, insert_new, read_by_ids
from shared.privacy.blind import BlindIndex

COLLECTION = "identity_index"


class IdentityIndex:
    def __init__(self, db: AsyncDatabase[Document], blind: BlindIndex) -> None:
        self.entries = db[COLLECTION]
        self.blind = blind

    async def owner(self, key: str) -> str | None:
        doc = await self.entries.find_one({"_id": self.blind.blind_id(key)})
        return None if doc is None else str(doc["customer_id"])

    async def owners(self, keys: list[str]) -> dict[str, str | None]:
        """Each key's owner, in one read (see `read_by_ids` for FerretDB)."""
        ids = {key: self.blind.blind_id(key) for key in keys}
        found = await read_by_ids(self.entries, list(ids.values()))
        return {
            key: str(found[ids[key]]["customer_id"]) if ids[key] in found else None for key in keys
        }

    async def claim_many(self, claims: Mapping[str, str]) -> dict[str, str]:
        """`claim` for many keys (key -> would-be owner) in one unordered bulk insert; returns
        each key's owner. A duplicate key is a lost race: the winner is read back."""
        keys = list(claims)
        entries = [{"_id": self.blind.blind_id(k), "customer_id": claims[k]} for k in keys]
        existed = await insert_new(self.entries, entries)
        lost = [key for key, taken in zip(keys, existed, strict=True) if taken]
        owners = await self.owners(lost)
        for key in lost:  # released between our insert and read: claim it alone
            owners[key] = owners[key] or await self.claim(key, claims[key])
        return dict(claims) | {key: str(owner) for key, owner in owners.items()}

    async def claim(self, key: str, customer_id: str) -> str:
        """Make `customer_id` the owner unless someone already is; returns the owner."""
        entry = {"_id": self.blind.blind_id(key), "customer_id": customer_id}
        while True:
            try:
                await self.entries.insert_one(entry)
            except DuplicateKeyError:
                owner = await self.owner(key)
                if owner is not None:
                    return owner
                continue  # released between our insert and read: try again
            return customer_id

    async def release(self, key: str, customer_id: str) -> None:
        """Give up a claim that is still ours (after a failed create)."""
        await self.entries.delete_one({"_id": self.blind.blind_id(key), "customer_id": customer_id})
