"""Claims and receipts in the Mongo-protocol store, by event: `_id` is `source` + `id`.

Two insert-mostly collections rather than one updated document: FerretDB's SQLite handler
inserts in bulk quickly but updates slowly. `ingest_claims` is written before publishing,
`ingest_receipts` after the acknowledgement; both are pruned after `interactions_receipt_days`.

Receipts written before the source was part of the key have the bare id as `_id` and no
`source`. Until pruning has dropped the last of them, a new event is also looked up by its bare
id: a receipt there with the same fingerprint (which covers the source) is the same event, and
its first answer is replayed; one with another fingerprint may be another adapter's, so it does
not count.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from services.interactions.domain.claims import UNKNOWN_SOURCE, Claim, Receipt
from shared.concurrency import together
from shared.mongo import Document, insert_new

ATTEMPTS = 5
T = TypeVar("T")


class MongoLedger:
    """A busy store (FerretDB on SQLite answers SQLITE_BUSY to concurrent writers) is retried with
    backoff; updates go one at a time, since the store would serialise them anyway."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.claims = db["ingest_claims"]
        self.receipts = db["ingest_receipts"]
        self._updating = asyncio.Lock()
        self.bare_id_receipts = True  # until `look_for_bare_id_receipts` has looked

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        """Insert-if-absent in one round trip; per claim, whether its event was claimed before.
        (A claim inserted by a failed attempt reads as taken on the retry; its owner tells.)"""
        taken = await insert_new(self.claims, [_claim_doc(c) for c in claims])
        if not self.bare_id_receipts:
            return taken
        fresh = [i for i, t in enumerate(taken) if not t]
        older = await together(self._bare_id_receipt(claims[i]) for i in fresh)
        for i, receipt in zip(fresh, older, strict=True):
            taken[i] = receipt is not None  # settling finds the receipt and replays it
        return taken

    async def find(self, claim: Claim) -> tuple[Claim | None, Receipt | None]:
        found = await self.claims.find_one({"_id": claim.key})
        receipt = await self.receipts.find_one({"_id": claim.key})
        older = None if receipt or not self.bare_id_receipts else await self._bare_id_receipt(claim)
        return (
            _claim(found) if found else None,
            _receipt(receipt) if receipt else older,
        )

    async def look_for_bare_id_receipts(self) -> None:
        """Whether receipts from before sources were keyed remain (a scan: not on a hot path)."""
        older = await self.receipts.find_one({"source": {"$exists": False}}, {"_id": 1})
        self.bare_id_receipts = older is not None

    async def _bare_id_receipt(self, claim: Claim) -> Receipt | None:
        if claim.key == claim.event_id:
            return None
        doc = await self.receipts.find_one({"_id": claim.event_id})
        if doc is None or "source" in doc or doc["fingerprint"] != claim.fingerprint:
            return None
        return _receipt(doc)

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        if stale is None:
            [taken] = await insert_new(self.claims, [_claim_doc(claim)])
            return not taken
        guard = {"_id": stale.key, "owner": stale.owner, "claimed_at": stale.claimed_at}
        result = await self._update(partial(self.claims.replace_one, guard, _claim_doc(claim)))
        return result.matched_count == 1

    async def release(self, claims: Sequence[Claim]) -> None:
        for claim in claims:  # rare (failed publishes); by _id so every store looks it up fast
            guard = {"_id": claim.key, "owner": claim.owner}
            await self._update(partial(self.claims.delete_one, guard))

    async def record(self, receipts: Sequence[Receipt]) -> None:
        # An existing receipt (a taken-over claim whose first owner finished) stays.
        await insert_new(self.receipts, [_receipt_doc(r) for r in receipts])

    async def prune(self, before: datetime) -> int:
        """Forget event ids older than `before`; returns how many receipts were dropped."""
        await self._update(partial(self.claims.delete_many, {"claimed_at": {"$lt": before}}))
        old = {"accepted_at": {"$lt": before}}
        result = await self._update(partial(self.receipts.delete_many, old))
        return result.deleted_count

    async def _update(self, write: Callable[[], Awaitable[T]]) -> T:
        async with self._updating:
            for attempt in range(ATTEMPTS):
                try:
                    return await write()
                except PyMongoError:
                    if attempt == ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")


def _claim_doc(claim: Claim) -> Document:
    return {
        "_id": claim.key,
        "event_id": claim.event_id,
        "source": claim.source,
        "fingerprint": claim.fingerprint,
        "owner": claim.owner,
        "claimed_at": claim.claimed_at,
    }


def _claim(doc: dict[str, Any]) -> Claim:
    event_id, source = _identity(doc)
    return Claim(event_id, doc["fingerprint"], doc["owner"], doc["claimed_at"], source)


def _receipt_doc(receipt: Receipt) -> Document:
    return {
        "_id": receipt.key,
        "event_id": receipt.event_id,
        "source": receipt.source,
        "fingerprint": receipt.fingerprint,
        "customer_id": receipt.customer_id,
        "position": receipt.position,
        "accepted_at": receipt.accepted_at,
    }


def _receipt(doc: dict[str, Any]) -> Receipt:
    event_id, source = _identity(doc)
    fields = (doc["fingerprint"], doc["customer_id"], doc["position"], doc["accepted_at"])
    return Receipt(event_id, *fields, source)


def _identity(doc: dict[str, Any]) -> tuple[str, str]:
    """The event id and source of a document; an older one has only its bare id, as `_id`."""
    return doc.get("event_id", doc["_id"]), doc.get("source", UNKNOWN_SOURCE)
