"""Data keys per customer, stored wrapped by a key-encryption key (KEK), behind two ports.

`KeyEncryptionKey` wraps and unwraps; `LocalKek` does it with AES-GCM and keys from settings,
and a KMS (Vault transit, a cloud KMS) replaces it by implementing the same two methods.
`MongoKeyVault` keeps one document per customer in `data_keys`: `{_id, kek, wrapped}` while the
key lives, `{_id, destroyed_at}` once the customer is erased. Destroying the key is the erasure
of every sealed copy of that customer's personal data, in the log and in its replays.
"""

import base64
import binascii
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document, insert_new, read_by_ids, scan
from shared.privacy.sealing import KEY_BYTES, decrypt, encrypt, new_data_key

COLLECTION = "data_keys"


class KeyEncryptionKey(Protocol):
    @property
    def current_id(self) -> str: ...

    def wrap(self, customer_id: str, data_key: bytes) -> tuple[str, bytes]:
        """(id of the KEK used, wrapped key)."""
        ...

    def unwrap(self, customer_id: str, kek_id: str, wrapped: bytes) -> bytes: ...


def kek_material(secret: str) -> bytes:
    """A KEK from its setting: base64 of 32 random bytes; any other text (the development
    placeholder) is hashed to 32 bytes, which production refuses to start with."""
    try:
        raw = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    return raw if len(raw) == KEY_BYTES else hashlib.sha256(secret.encode()).digest()


class LocalKek:
    """AES-GCM key wrapping with KEKs held in settings: one current, older ones to unwrap."""

    def __init__(self, current_id: str, keks: dict[str, bytes]) -> None:
        self._current_id = current_id
        self.keks = keks

    @property
    def current_id(self) -> str:
        return self._current_id

    def wrap(self, customer_id: str, data_key: bytes) -> tuple[str, bytes]:
        kek = self.keks[self._current_id]
        return self._current_id, encrypt(kek, data_key, customer_id.encode())

    def unwrap(self, customer_id: str, kek_id: str, wrapped: bytes) -> bytes:
        kek = self.keks.get(kek_id)
        if kek is None:
            raise LookupError(f"KEK {kek_id!r} is not configured (C360_DATA_KEK_RETIRED?)")
        return decrypt(kek, wrapped, customer_id.encode())


class MongoKeyVault:
    """The local key vault: wrapped data keys in the store, one document per customer."""

    def __init__(self, keys: AsyncCollection[Document], kek: KeyEncryptionKey) -> None:
        self.keys = keys
        self.kek = kek

    async def data_key(self, customer_id: str, create: bool) -> bytes | None:
        """The customer's data key; None if erased (or absent and not `create`)."""
        doc = await self.keys.find_one({"_id": customer_id})
        if doc is None and create:
            doc = await self._create(customer_id)
        return self._unwrapped(customer_id, doc)

    async def data_keys(self, customer_ids: Sequence[str], create: bool) -> dict[str, bytes | None]:
        """`data_key` for many customers: one read, and the missing keys created in one
        unordered insert (a duplicate is a lost race: the winner's key is read back)."""
        found = await read_by_ids(self.keys, customer_ids)
        missing = [c for c in dict.fromkeys(customer_ids) if c not in found] if create else []
        found |= await self._insert(missing)
        return {c: self._unwrapped(c, found.get(c)) for c in customer_ids}

    async def new_data_keys(self, customer_ids: Sequence[str]) -> dict[str, bytes | None]:
        """Keys for customers created just now: inserted without a read first; one that exists
        already (a concurrent creator, or an erasure) is read back."""
        found = await self._insert(list(dict.fromkeys(customer_ids)))
        return {c: self._unwrapped(c, found.get(c)) for c in customer_ids}

    async def _insert(self, customer_ids: list[str]) -> dict[str, Document]:
        fresh = [self._wrapped(c) for c in customer_ids]
        existed = await insert_new(self.keys, fresh)
        raced = [doc["_id"] for doc, lost in zip(fresh, existed, strict=True) if lost]
        inserted = {doc["_id"]: doc for doc, lost in zip(fresh, existed, strict=True) if not lost}
        return inserted | await read_by_ids(self.keys, raced)

    def _unwrapped(self, customer_id: str, doc: Document | None) -> bytes | None:
        if doc is None or "wrapped" not in doc:
            return None
        return self.kek.unwrap(customer_id, doc["kek"], bytes(doc["wrapped"]))

    def _wrapped(self, customer_id: str) -> Document:
        kek_id, wrapped = self.kek.wrap(customer_id, new_data_key())
        return {"_id": customer_id, "kek": kek_id, "wrapped": wrapped}

    async def _create(self, customer_id: str) -> Document | None:
        doc = self._wrapped(customer_id)
        try:
            await self.keys.insert_one(doc)  # insert-if-absent: two first writers agree
        except DuplicateKeyError:
            return await self.keys.find_one({"_id": customer_id})
        return doc

    async def destroy(self, customer_id: str) -> None:
        """Crypto-shred: the key is replaced by a tombstone, so it is never created again."""
        tombstone = {"destroyed_at": datetime.now(UTC)}
        await self.keys.replace_one({"_id": customer_id}, tombstone, upsert=True)

    async def rotate(self) -> tuple[int, int]:
        """Re-wrap every live key under the current KEK: (re-wrapped, already current)."""
        rewrapped = current = 0
        async for doc in scan(self.keys):  # no cursor held open while it writes
            if "wrapped" not in doc:
                continue
            if doc["kek"] == self.kek.current_id:
                current += 1
                continue
            data_key = self.kek.unwrap(doc["_id"], doc["kek"], bytes(doc["wrapped"]))
            kek_id, wrapped = self.kek.wrap(doc["_id"], data_key)
            await self.keys.update_one(
                {"_id": doc["_id"]}, {"$set": {"kek": kek_id, "wrapped": wrapped}}
            )
            rewrapped += 1
        return rewrapped, current
