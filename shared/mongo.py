"""MongoDB plumbing on PyMongo's async API, written for MongoDB and FerretDB v1 alike.

No transactions, no change streams, no `$lookup`: documents are read and written by `_id`, and
concurrent writers are kept apart by a version guard stored in the document itself.
"""

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.settings import Settings

Document = dict[str, Any]


def make_client(settings: Settings, **overrides: Any) -> AsyncMongoClient[Document]:
    """One client per process; it pools connections and connects lazily on first use."""
    options: dict[str, Any] = {
        "serverSelectionTimeoutMS": 5_000,
        "connectTimeoutMS": 5_000,
        "tz_aware": True,
        "uuidRepresentation": "standard",
        "maxPoolSize": 64,
    }
    options.update(overrides)
    return AsyncMongoClient(settings.mongodb_uri, **options)


def database(client: AsyncMongoClient[Document], settings: Settings) -> AsyncDatabase[Document]:
    return client[settings.database]


class VersionConflict(Exception):
    """Another writer changed the document since it was read."""

    def __init__(self, doc_id: Any, expected: int) -> None:
        super().__init__(f"document {doc_id!r} is no longer at version {expected}")
        self.doc_id = doc_id
        self.expected = expected


async def replace_guarded(
    collection: AsyncCollection[Document], doc: Document, expected_version: int
) -> None:
    """Write `doc` (which carries `version = expected_version + 1`) only if the stored one is still
    at `expected_version` (0 = must not exist). Raises VersionConflict otherwise."""
    if doc.get("version") != expected_version + 1:
        raise ValueError("doc['version'] must be expected_version + 1")
    if expected_version == 0:
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            raise VersionConflict(doc["_id"], expected_version) from None
        return
    result = await collection.replace_one({"_id": doc["_id"], "version": expected_version}, doc)
    if result.matched_count != 1:
        raise VersionConflict(doc["_id"], expected_version)


async def ping(client: AsyncMongoClient[Document]) -> None:
    await client.admin.command("ping")
