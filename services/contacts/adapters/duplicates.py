"""Possible duplicates: two customers that one event's identifiers pointed at.

They are recorded for an agent (or a rule) to merge explicitly; c360 never merges on its own.
`_id` is the ordered pair, so each pair is one record however often it is seen. The identifiers
they share are shown to the agent, so they are kept, but sealed with the data key of the pair's
first customer (`keys_sealed`): no identifier is readable at rest, and erasing that customer
shreds them (the record itself goes when either customer is erased). Records written before
sealing carry `keys` in clear and are read as they are.
"""

import base64
from datetime import UTC, datetime

import orjson
from cryptography.exceptions import InvalidTag
from prometheus_client import Counter
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contacts.domain.duplicates import DuplicateStatus
from shared.mongo import Document
from shared.privacy.keyring import Keyring
from shared.privacy.sealing import decrypt, encrypt

RECORDED = Counter("c360_possible_duplicates_total", "Identity conflicts recorded", ["source"])


def pair_id(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{first}|{second}"


class PossibleDuplicates:
    def __init__(self, db: AsyncDatabase[Document], keyring: Keyring) -> None:
        self.records = db["possible_duplicates"]
        self.keyring = keyring

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
                    "keys_sealed": await self._seal(doc_id, sorted(keys)),
                    "source": source,
                    "status": DuplicateStatus.OPEN.value,
                    "first_seen": now,
                    "last_seen": now,
                    "count": 1,
                }
            )
        except DuplicateKeyError:
            # Counting and the key list are advisory, so a lost update under concurrency is
            # acceptable (the sealed list cannot be added to in place).
            current = await self.records.find_one({"_id": doc_id}) or {}
            known = await self._open(current)
            sealed = await self._seal(doc_id, sorted({*known, *keys}))
            await self.records.update_one(
                {"_id": doc_id},
                {"$set": {"last_seen": now, "keys_sealed": sealed}, "$inc": {"count": 1}},
            )

    async def _seal(self, doc_id: str, keys: list[str]) -> str | None:
        """The identifiers under the first customer's data key (None once it is erased)."""
        key = await self.keyring.key(doc_id.split("|")[0], create=True)
        if key is None:
            return None
        return base64.b64encode(encrypt(key, orjson.dumps(keys), doc_id.encode())).decode()

    async def _open(self, doc: Document) -> list[str]:
        if "keys" in doc:  # written before sealing
            return [str(k) for k in doc["keys"]]
        sealed, doc_id = doc.get("keys_sealed"), str(doc.get("_id", ""))
        key = await self.keyring.key(doc_id.split("|")[0]) if sealed else None
        if key is None:
            return []
        try:
            opened = orjson.loads(decrypt(key, base64.b64decode(str(sealed)), doc_id.encode()))
        except (InvalidTag, ValueError):
            return []
        return [str(k) for k in opened]

    async def mark(self, a: str, b: str, status: DuplicateStatus) -> None:
        await self.records.update_one({"_id": pair_id(a, b)}, {"$set": {"status": status.value}})

    async def forget(self, customer_id: str) -> None:
        """An erased customer's possible duplicates go: they name its identifiers."""
        for doc in await self.listing(customer_id):
            await self.records.delete_one({"_id": doc["_id"]})

    async def listing(self, customer_id: str | None = None) -> list[Document]:
        """Every record (or one customer's), newest first, its identifiers opened in `keys`;
        the collection is small."""
        found = [doc async for doc in self.records.find({})]
        if customer_id:
            found = [d for d in found if customer_id in d["customers"]]
        opened = [{**d, "keys": await self._open(d)} for d in found]
        return sorted(opened, key=lambda d: d["last_seen"], reverse=True)
