"""Merge links, the identity lookup and the name directory: small documents that resolve an id,
phone, email, external id or name to a customer.

The identity lookup's `_id` is the identifier's blind id (`ProjectionStore.identity_id`), so it
resolves an identifier for whoever holds one and holds no readable identifier itself.

They are written from contact events of different partitions, so every write carries the event's
stamp (time, id) and only a newer stamp replaces an older one: any processing order (live or
rebuild) ends in the same documents.
"""

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.projections.domain.effects import (
    Effect,
    IdentityClaimed,
    IdentityReleased,
    LinkChanged,
    NameChanged,
    Stamp,
)
from services.projections.domain.timeline import sort_key
from shared.concurrency import together
from shared.events.contacts import MAX_MERGE_HOPS
from shared.mongo import Document, delete_by_ids, insert_new, read_by_ids, replace_many

if TYPE_CHECKING:  # the store writes effects through this module
    from services.projections.adapters.store import ProjectionStore


def stamp_key(stamp: Stamp) -> str:
    return sort_key(stamp.at, stamp.event_id)


@dataclass(frozen=True)
class _Write:
    """An effect as what it asks of one document: `fields` with the stamp, if newer (None: a
    release, which deletes the entry while it still belongs to `owner`)."""

    collection: AsyncCollection[Document]
    doc_id: str
    stamp: Stamp
    fields: Document | None = None
    owner: str | None = None


def _write_of(store: "ProjectionStore", effect: Effect) -> _Write:
    match effect:
        case LinkChanged(merged_id=m, survivor_id=s, stamp=st):
            return _Write(store.links, m, st, {"survivor_id": s})
        case IdentityClaimed(key=k, customer_id=c, stamp=st):
            return _Write(store.identities, store.identity_id(k), st, {"customer_id": c})
        case IdentityReleased(key=k, customer_id=c, stamp=st):
            return _Write(store.identities, store.identity_id(k), st, owner=c)
        case NameChanged(customer_id=c, name=n, stamp=st):
            return _Write(store.names, c, st, {"name": n, "name_key": (n or "").casefold()})
    raise TypeError(f"not an effect: {effect!r}")


def decide(current: Document | None, write: _Write) -> Document | None:
    """The document after `write`: `current` itself when the write changes nothing (something
    newer is there, or a release of an entry no longer the owner's), None when it goes."""
    key = stamp_key(write.stamp)
    if current is not None and current.get("stamp", "") >= key:
        return current
    if write.fields is None:  # a release
        owned = current is not None and current.get("customer_id") == write.owner
        return None if owned else current
    return {"_id": write.doc_id, **write.fields, "stamp": key}


async def _write_one(write: _Write) -> None:
    """Read, decide and write one document (after a lost race to insert it)."""
    current = await write.collection.find_one({"_id": write.doc_id})
    after = decide(current, write)
    if after is current:
        return
    if after is None:
        await write.collection.delete_one({"_id": write.doc_id})
    elif current is None:
        try:
            await write.collection.insert_one(after)
        except DuplicateKeyError:  # written meanwhile from another partition: decide again
            await _write_one(write)
    else:
        await write.collection.replace_one({"_id": write.doc_id}, after, upsert=True)


async def _write_all(collection: AsyncCollection[Document], writes: list[_Write]) -> None:
    """One collection's writes: one read of every document, each decided in order in memory,
    then one insert of the new documents (a first sighting's entries: inserts cost the store
    far less), one bulk of overwrites and one of deletions. A document inserted meanwhile from
    another partition is decided again against what it holds."""
    before = await read_by_ids(collection, [w.doc_id for w in writes])
    after: dict[str, Document | None] = dict(before)
    for write in writes:
        after[write.doc_id] = decide(after.get(write.doc_id), write)
    added = [d for i, d in after.items() if d is not None and i not in before]
    changed = [d for i, d in after.items() if d is not None and i in before and d is not before[i]]
    gone = [i for i, d in after.items() if d is None and i in before]
    existed = await insert_new(collection, added)
    await together([replace_many(collection, changed), delete_by_ids(collection, gone)])
    raced = {d["_id"] for d, e in zip(added, existed, strict=True) if e}
    for write in writes:
        if write.doc_id in raced:
            await _write_one(write)


async def apply_effects(store: "ProjectionStore", effects: Sequence[Effect]) -> None:
    """Write what a batch's contact events tell other documents; the writes to one document
    are decided in event order (and by stamp, so any order of batches ends the same)."""
    by_collection: dict[str, list[_Write]] = {}
    for effect in effects:
        write = _write_of(store, effect)
        by_collection.setdefault(write.collection.name, []).append(write)
    await together(_write_all(ws[0].collection, ws) for ws in by_collection.values())


async def owner_of(store: "ProjectionStore", key: str) -> str | None:
    """The customer an identifier (`kind:value`) belongs to, before merges are followed."""
    doc = await store.identities.find_one({"_id": store.identity_id(key)})
    return None if doc is None or doc.get("customer_id") is None else str(doc["customer_id"])


async def survivor_of(store: "ProjectionStore", customer_id: str) -> str:
    """Follow merge links to the customer that absorbed `customer_id` (itself if none)."""
    current, seen = customer_id, {customer_id}
    for _ in range(MAX_MERGE_HOPS):
        doc = await store.links.find_one({"_id": current})
        target = None if doc is None else doc.get("survivor_id")
        if target is None or target in seen:
            return current
        current = str(target)
        seen.add(current)
    return current


async def survivors_of(store: "ProjectionStore", ids: list[str]) -> list[str]:
    return list(await asyncio.gather(*(survivor_of(store, i) for i in ids)))


async def names_matching(store: "ProjectionStore", text: str) -> list[tuple[str, str]]:
    """(name, customer id) of every directory entry whose name contains `text`, any case.

    This filter is not pushed down by FerretDB's SQLite backend: it reads the compact directory
    (one small document per named customer), never the views; name search is not a hot path."""
    pattern = re.escape(text.casefold())
    cursor = store.names.find({"name_key": {"$regex": pattern}}, {"name": 1})
    return [(str(doc["name"]), str(doc["_id"])) async for doc in cursor if doc.get("name")]
