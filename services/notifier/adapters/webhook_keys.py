"""`notifier_webhook_keys`: one document per team (`_id` = team), version-guarded.

The store holds the secrets as they are: whoever can read the notifier's database can already
send as the notifier, so the keys are protected like its credentials (store auth, backups).
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.domain.webhook_keys import SigningKey, TeamKeys
from shared.mongo import Document, replace_guarded


class MongoTeamKeys:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["notifier_webhook_keys"]

    async def load(self, team: str) -> TeamKeys | None:
        doc = await self.collection.find_one({"_id": team})
        if doc is None:
            return None
        return TeamKeys(
            team=team,
            current=_key(doc["current"]),
            previous=_key(doc["previous"]) if doc.get("previous") else None,
            previous_until=_aware(doc.get("previous_until")),
            version=int(doc["version"]),
        )

    async def save(self, keys: TeamKeys) -> TeamKeys:
        doc: Document = {
            "_id": keys.team,
            "current": _doc(keys.current),
            "previous": _doc(keys.previous) if keys.previous else None,
            "previous_until": keys.previous_until.isoformat() if keys.previous_until else None,
            "version": keys.version + 1,
        }
        await replace_guarded(self.collection, doc, keys.version)
        return replace(keys, version=keys.version + 1)


def _doc(key: SigningKey) -> dict[str, Any]:
    return {"id": key.id, "secret": key.secret, "created_at": key.created_at.isoformat()}


def _key(doc: dict[str, Any]) -> SigningKey:
    return SigningKey(doc["id"], doc["secret"], datetime.fromisoformat(doc["created_at"]))


def _aware(value: str | None) -> datetime | None:
    # stored as ISO text: FerretDB and MongoDB both return BSON dates without a timezone
    return datetime.fromisoformat(value) if value else None
