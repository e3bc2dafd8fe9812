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
from shared.events.contacts import MAX_MERGE_HOPS
from shared.mongo import Document

if TYPE_CHECKING:  # the store writes effects through this module
    from services.projections.adapters.store import ProjectionStore


def stamp_key(stamp: Stamp) -> str:
    return sort_key(stamp.at, stamp.event_id)


async def _write_if_newer(
    coll: AsyncCollection[Document],
    doc_id: str,
    stamp: Stamp,
    fields: Document,
    owner: str | None = None,
) -> None:
    """Replace the document when `stamp` is newer; with `owner`, only while it still belongs
    to that customer (a release must not undo someone else's later claim)."""
    current = await coll.find_one({"_id": doc_id})
    key = stamp_key(stamp)
    if current is not None and current.get("stamp", "") >= key:
        return
    if owner is not None and (current is None or current.get("customer_id") != owner):
        return
    if current is None:  # a first sighting's entry: an insert costs the store far less
        try:
            await coll.insert_one({"_id": doc_id, **fields, "stamp": key})
            return
        except DuplicateKeyError:  # written meanwhile from another partition: decide again
            await _write_if_newer(coll, doc_id, stamp, fields, owner)
            return
    await coll.replace_one({"_id": doc_id}, {**fields, "stamp": key}, upsert=True)


async def _release(coll: AsyncCollection[Document], doc_id: str, stamp: Stamp, owner: str) -> None:
    """Erasure: the entry goes (so a later sighting finds the identifier free), while it still
    belongs to `owner` and nothing newer was written."""
    current = await coll.find_one({"_id": doc_id})
    if current is None or current.get("customer_id") != owner:
        return
    if current.get("stamp", "") >= stamp_key(stamp):
        return
    await coll.delete_one({"_id": doc_id})


async def apply_effects(store: "ProjectionStore", effects: Sequence[Effect]) -> None:
    """Write what a customer's contact events tell other documents, in event order."""
    for effect in effects:
        match effect:
            case LinkChanged(merged_id=m, survivor_id=s, stamp=st):
                await _write_if_newer(store.links, m, st, {"survivor_id": s})
            case IdentityClaimed(key=k, customer_id=c, stamp=st):
                owner = {"customer_id": c}
                await _write_if_newer(store.identities, store.identity_id(k), st, owner)
            case IdentityReleased(key=k, customer_id=c, stamp=st):
                await _release(store.identities, store.identity_id(k), st, owner=c)
            case NameChanged(customer_id=c, name=n, stamp=st):
                name = {"name": n, "name_key": (n or "").casefold()}
                await _write_if_newer(store.names, c, st, name)


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
