"""The identity index rebuilt from the contacts in the store (`service_layer/reindex.py`)."""

from collections.abc import AsyncIterator

from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.index import COLLECTION
from services.contacts.adapters.stored import snapshot_of
from services.contacts.domain.contact import ContactState
from shared.mongo import Document, scan
from shared.privacy.blind import BlindIndex


class StoredIndexRebuild:
    def __init__(self, db: AsyncDatabase[Document], blind: BlindIndex) -> None:
        self.snapshots = db["contacts"]
        self.entries = db[COLLECTION]
        self.blind = blind

    async def contacts(self) -> AsyncIterator[ContactState]:
        async for doc in scan(self.snapshots):
            yield snapshot_of(doc)

    async def entry_ids(self) -> list[str]:
        return [str(doc["_id"]) async for doc in scan(self.entries, {"_id": 1})]

    async def put(self, key: str, customer_id: str) -> str:
        entry_id = self.blind.blind_id(key)
        entry = {"customer_id": customer_id}
        await self.entries.replace_one({"_id": entry_id}, entry, upsert=True)
        return entry_id

    async def drop(self, entry_id: str) -> None:
        await self.entries.delete_one({"_id": entry_id})
