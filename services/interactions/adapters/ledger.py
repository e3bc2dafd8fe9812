"""Claims and receipts in the Mongo-protocol store, by event id (`_id`).

Two insert-mostly collections rather than one updated document: FerretDB's SQLite handler
inserts in bulk quickly but updates slowly. `ingest_claims` is written before publishing,
`ingest_receipts` after the acknowledgement; both are pruned after `interactions_receipt_days`.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.interactions.domain.claims import Claim, Receipt
from shared.mongo import Document

DUPLICATE_KEY = 11000


class MongoLedger:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.claims = db["ingest_claims"]
        self.receipts = db["ingest_receipts"]

    async def claim(self, claims: Sequence[Claim]) -> list[bool]:
        """Insert-if-absent in one round trip; per claim, whether its id was claimed before."""
        taken = [False] * len(claims)
        try:
            await self.claims.insert_many([_claim_doc(c) for c in claims], ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            for error in errors:
                taken[error["index"]] = True
        return taken

    async def find(self, event_id: str) -> tuple[Claim | None, Receipt | None]:
        claim = await self.claims.find_one({"_id": event_id})
        receipt = await self.receipts.find_one({"_id": event_id})
        return (
            _claim(claim) if claim else None,
            _receipt(receipt) if receipt else None,
        )

    async def take_over(self, stale: Claim | None, claim: Claim) -> bool:
        if stale is None:
            try:
                await self.claims.insert_one(_claim_doc(claim))
            except DuplicateKeyError:
                return False
            return True
        guard = {"_id": stale.event_id, "owner": stale.owner, "claimed_at": stale.claimed_at}
        result = await self.claims.replace_one(guard, _claim_doc(claim))
        return result.matched_count == 1

    async def release(self, claims: Sequence[Claim]) -> None:
        for claim in claims:  # rare (failed publishes); by _id so every store looks it up fast
            await self.claims.delete_one({"_id": claim.event_id, "owner": claim.owner})

    async def record(self, receipts: Sequence[Receipt]) -> None:
        try:
            await self.receipts.insert_many([_receipt_doc(r) for r in receipts], ordered=False)
        except BulkWriteError as exc:
            # An existing receipt (a taken-over claim whose first owner finished) stays.
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise

    async def prune(self, before: datetime) -> int:
        """Forget event ids older than `before`; returns how many receipts were dropped."""
        await self.claims.delete_many({"claimed_at": {"$lt": before}})
        result = await self.receipts.delete_many({"accepted_at": {"$lt": before}})
        return result.deleted_count


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
