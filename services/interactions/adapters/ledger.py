"""Claims and receipts in the Mongo-protocol store, by event id (`_id`).

Two insert-mostly collections rather than one updated document: FerretDB's SQLite handler
inserts in bulk quickly but updates slowly. `ingest_claims` is written before publishing,
`ingest_receipts` after the acknowledgement; both are pruned after `interactions_receipt_days`.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from services.interactions.domain.claims import Claim, Receipt
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

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        """Insert-if-absent in one round trip; per claim, whether its id was claimed before.
        (A claim inserted by a failed attempt reads as taken on the retry; its owner tells.)"""
        return await insert_new(self.claims, [_claim_doc(c) for c in claims])

    async def find(self, event_id: str) -> tuple[Claim | None, Receipt | None]:
        claim = await self.claims.find_one({"_id": event_id})
        receipt = await self.receipts.find_one({"_id": event_id})
        return (
            _claim(claim) if claim else None,
            _receipt(receipt) if receipt else None,
        )

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        if stale is None:
            [taken] = await insert_new(self.claims, [_claim_doc(claim)])
            return not taken
        guard = {"_id": stale.event_id, "owner": stale.owner, "claimed_at": stale.claimed_at}
        result = await self._update(partial(self.claims.replace_one, guard, _claim_doc(claim)))
        return result.matched_count == 1

    async def release(self, claims: Sequence[Claim]) -> None:
        for claim in claims:  # rare (failed publishes); by _id so every store looks it up fast
            guard = {"_id": claim.event_id, "owner": claim.owner}
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
        "_id": claim.event_id,
        "fingerprint": claim.fingerprint,
        "owner": claim.owner,
        "claimed_at": claim.claimed_at,
    }


def _claim(doc: dict[str, Any]) -> Claim:
    return Claim(doc["_id"], doc["fingerprint"], doc["owner"], doc["claimed_at"])


def _receipt_doc(receipt: Receipt) -> Document:
    return {
        "_id": receipt.event_id,
        "fingerprint": receipt.fingerprint,
        "customer_id": receipt.customer_id,
        "position": receipt.position,
        "accepted_at": receipt.accepted_at,
    }


def _receipt(doc: dict[str, Any]) -> Receipt:
    return Receipt(
        doc["_id"], doc["fingerprint"], doc["customer_id"], doc["position"], doc["accepted_at"]
    )
