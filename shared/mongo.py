"""The store adapter: PyMongo's async API, written for MongoDB and FerretDB v1 alike.

No transactions, no change streams, no `$lookup`: documents are read and written by `_id`, and
concurrent writers are kept apart by a version guard stored in the document itself. Where the
two stores differ, the work-around lives here, named for what it works around:

- `read_by_ids`: one `$in` read by `_id`. Upstream FerretDB v1 serves it with one scan of the
  collection (still fewer than one scan per `_id`, which is what it does for each single read);
  the local stack's build (deploy/local/stack/ferretdb_patch.py) serves both from the `_id` index.
- `is_busy_writer`: FerretDB on SQLite refuses a concurrent writer (`SQLITE_BUSY`, "database is
  locked") where MongoDB would wait; such a write is safe to retry (`store_may_answer_at_once`).
- `insert_new`: insert-if-absent for many documents in one unordered bulk insert (an insert of
  a new `_id` is the one write atomic on both); other refusals, such as a busy writer, are sent
  again with backoff.
- `replace_many`, `replace_guarded_many`: overwrites in unordered bulks, a few side by side.
  FerretDB v1 runs a bulk one statement after another on one connection, so one bulk took
  concurrent single writes no faster; but each single write cost the writer some 25 times the
  CPU of its share of a bulk, and a few bulks side by side beat both (docs/projections.md, "How
  the states are written").
"""

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, DeleteOne, ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
)

from shared.concurrency import together
from shared.settings import Settings

Document = dict[str, Any]
T = TypeVar("T")
DUPLICATE_KEY = 11000
# ids per `$in` of `read_by_ids`: one PostgreSQL parameter each on FerretDB
READ_BY_IDS_CHUNK = 1_000
# Overwrites are sent as up to BULK_PARTS bulks side by side, each of at least SMALLEST_BULK:
# FerretDB v1 runs a bulk one statement after another on one connection (module docstring).
BULK_PARTS = 8
SMALLEST_BULK = 25
INSERT_ATTEMPTS = 5


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
    collection: AsyncCollection[Document],
    doc: Document,
    expected_version: int,
    guard: str = "version",
) -> None:
    """Write `doc` (which carries `guard = expected_version + 1`) only if the stored one is still
    at `expected_version` (0 = must not exist). Raises VersionConflict otherwise.

    One round trip, the guard in the filter: atomic on MongoDB; on FerretDB v1 not atomic under
    concurrent writers to one document, so one writer per document stays the rule.
    """
    if doc.get(guard) != expected_version + 1:
        raise ValueError(f"doc[{guard!r}] must be expected_version + 1")
    if expected_version == 0:
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            raise VersionConflict(doc["_id"], expected_version) from None
        return
    result = await collection.replace_one({"_id": doc["_id"], guard: expected_version}, doc)
    if result.matched_count != 1:
        raise VersionConflict(doc["_id"], expected_version)


async def ping(client: AsyncMongoClient[Document]) -> None:
    await client.admin.command("ping")


async def read_by_ids(
    collection: AsyncCollection[Document],
    ids: Sequence[Any],
    projection: Mapping[str, Any] | None = None,
) -> dict[Any, Document]:
    """The documents with these `_id`s (absent ones left out), by `_id`: one `$in` read for each
    `READ_BY_IDS_CHUNK` of them."""
    wanted = list(dict.fromkeys(ids))
    found: dict[Any, Document] = {}
    for start in range(0, len(wanted), READ_BY_IDS_CHUNK):
        chunk = wanted[start : start + READ_BY_IDS_CHUNK]
        cursor = collection.find({"_id": {"$in": chunk}}, projection, batch_size=len(chunk))
        found |= {doc["_id"]: doc async for doc in cursor}
    return found


async def scan(
    collection: AsyncCollection[Document],
    projection: Mapping[str, int] | None = None,
    chunk: int = 500,
) -> AsyncGenerator[Document, None]:
    """Every document of `collection`, streamed by one cursor (`chunk` per round trip) that is
    closed however the scan ends: an abandoned cursor keeps its PostgreSQL query open on FerretDB.

    One cursor, not the ids first and the documents by `_id`: upstream FerretDB v1 on PostgreSQL
    filters `_id` with `@>`, which its `_id` index cannot serve, so there every lookup by `_id` is
    a sequential scan of the collection (the local stack's build is patched; see
    deploy/local/stack/ferretdb_patch.py) and reading by ids would cost a scan per document.
    """
    cursor = collection.find({}, projection, batch_size=chunk)
    try:
        async for document in cursor:
            yield document
    finally:
        await cursor.close()


def is_busy_writer(exc: BaseException) -> bool:
    """FerretDB on SQLite refused a write because another writer held the lock."""
    text = str(exc)
    busy = "SQLITE_BUSY" in text or "database is locked" in text
    return isinstance(exc, OperationFailure) and busy


def store_may_answer_at_once(exc: BaseException) -> bool:
    """A lost connection (the driver reconnects) or a busy writer: worth an immediate retry."""
    return isinstance(exc, AutoReconnect) or is_busy_writer(exc)


async def insert_new(collection: AsyncCollection[Document], docs: list[Document]) -> list[bool]:
    """Insert each document unless its `_id` exists; per document, whether it existed."""
    if not docs:
        return []
    existed = [False] * len(docs)
    pending = list(range(len(docs)))
    last_error: PyMongoError | None = None
    for attempt in range(INSERT_ATTEMPTS):
        try:
            await collection.insert_many([docs[i] for i in pending], ordered=False)
            return existed
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            for error in errors:
                if error.get("code") == DUPLICATE_KEY:
                    existed[pending[error["index"]]] = True
            failed = [pending[e["index"]] for e in errors if e.get("code") != DUPLICATE_KEY]
            if not failed:
                return existed
            pending, last_error = failed, exc
        except PyMongoError as exc:
            last_error = exc
        await asyncio.sleep(0.02 * 2**attempt)
    assert last_error is not None
    raise last_error


def bulk_parts(items: Sequence[T]) -> list[Sequence[T]]:
    """`items` in up to `BULK_PARTS` runs of at least `SMALLEST_BULK`, in order."""
    size = max(SMALLEST_BULK, -(-len(items) // BULK_PARTS))
    return [items[first : first + size] for first in range(0, len(items), size)]


async def replace_many(collection: AsyncCollection[Document], docs: Sequence[Document]) -> None:
    """Overwrite (or create) each document by its `_id`, in unordered bulks side by side: on
    both stores far faster than as many single replaces."""

    async def bulk(part: Sequence[Document]) -> None:
        replaces = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in part]
        await collection.bulk_write(replaces, ordered=False)

    await together(bulk(part) for part in bulk_parts(docs))


async def delete_by_ids(collection: AsyncCollection[Document], ids: Sequence[Any]) -> None:
    """Delete these documents in one unordered bulk."""
    if ids:
        await collection.bulk_write([DeleteOne({"_id": i}) for i in ids], ordered=False)


async def replace_guarded_many(
    collection: AsyncCollection[Document],
    docs: Sequence[Document],
    expected: Sequence[int],
    guard: str = "version",
) -> dict[Any, int]:
    """`replace_guarded` for many documents: the new ones in one insert, the rest replaced in
    bulks side by side. Returns, by `_id`, the expected version of each document not known to be
    written: a conflict, or in doubt (a bulk that matched fewer than it sent does not say which
    missed). Read those again before deciding anything about them."""
    for doc, version in zip(docs, expected, strict=True):
        if doc.get(guard) != version + 1:
            raise ValueError(f"doc[{guard!r}] must be expected_version + 1")
    new = [d for d, v in zip(docs, expected, strict=True) if v == 0]
    known = [(d, v) for d, v in zip(docs, expected, strict=True) if v != 0]
    existed = await insert_new(collection, new)
    unwritten = {d["_id"]: 0 for d, e in zip(new, existed, strict=True) if e}

    async def bulk(part: Sequence[tuple[Document, int]]) -> dict[Any, int]:
        replaces = [ReplaceOne({"_id": d["_id"], guard: v}, d) for d, v in part]
        result = await collection.bulk_write(replaces, ordered=False)
        return {} if result.matched_count == len(part) else {d["_id"]: v for d, v in part}

    for missed in await together(bulk(part) for part in bulk_parts(known)):
        unwritten |= missed
    return unwritten
