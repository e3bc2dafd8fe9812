"""The `audit` collection: written by the audit projection, read by `GET /v1/audit`.

Queries filter on `actor` or `customer_ids`, which FerretDB v1 answers by scanning (only `_id`
and, on PostgreSQL, string equality are pushed down). Audit reads are rare and made by
supervisors and privacy officers, never on an agent's path, so the trade is taken knowingly.
"""

from collections.abc import Sequence
from typing import Any

from pymongo import DESCENDING, ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document

COLLECTION = "audit"


class AuditStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    async def save(self, documents: Sequence[dict[str, Any]]) -> None:
        if documents:
            writes = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in documents]
            await self.collection.bulk_write(writes, ordered=False)

    async def page(
        self,
        who: dict[str, str],
        before: str | None,
        limit: int,
        teams: frozenset[str] | None = None,
    ) -> tuple[list[Document], str | None]:
        """Newest first; `who` is `{"actor": ...}` or `{"customer_ids": ...}`; with `teams`,
        only the accesses of actors in one of them."""
        query: dict[str, Any] = dict(who)
        if teams is not None:
            query["actor_teams"] = {"$in": sorted(teams)}
        if before is not None:
            query["order"] = {"$lt": before}
        found = (
            await self.collection.find(query).sort("order", DESCENDING).limit(limit + 1).to_list()
        )
        more = len(found) > limit
        items = found[:limit]
        return items, (str(items[-1]["order"]) if more and items else None)
