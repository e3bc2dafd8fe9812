"""Segment definitions, memberships and back-fill jobs in the store; segment events on Kafka.

- `segments` (`_id` = segment id): the definitions, shared by every generation. A deleted
  segment stays as a tombstone so workers drop it from memberships.
- `segment_members_<generation>` (`_id` = `segment:customer`): one document per membership,
  written by `_id` only; listing a segment's members reads this collection, never the views.
- `segment_jobs` (`_id` = job id): back-fill progress.
"""

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.projections.adapters.store import ProjectionStore
from services.projections.domain.segments import Catalog, Segment
from shared.concurrency import together
from shared.events import STRUCTURED_HEADERS, encode_event
from shared.events.segments import SegmentEvent
from shared.mongo import Document

CATALOG_TTL_S = 2.0
DEFINITIONS = "segments"
JOBS = "segment_jobs"


class SegmentExists(ValueError):
    pass


class SegmentDefinitions:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[DEFINITIONS]

    async def all(self) -> list[Segment]:
        return [_segment(doc) async for doc in self.collection.find({})]

    async def get(self, segment_id: str) -> Segment | None:
        doc = await self.collection.find_one({"_id": segment_id})
        return None if doc is None else _segment(doc)

    async def add(self, segment: Segment) -> None:
        """Store a new segment; a tombstone of the same id is replaced, a live one refused."""
        doc = {"_id": segment.id, **segment.model_dump(mode="json", by_alias=True)}
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            current = await self.get(segment.id)
            if current is None or not current.deleted:
                raise SegmentExists(segment.id) from None
            await self.collection.replace_one({"_id": segment.id}, doc)

    async def delete(self, segment: Segment) -> None:
        doc = {"_id": segment.id, **segment.model_dump(mode="json", by_alias=True)}
        await self.collection.replace_one({"_id": segment.id}, {**doc, "deleted": True})


def _segment(doc: Document) -> Segment:
    return Segment.model_validate({k: v for k, v in doc.items() if k != "_id"})


class CatalogCache:
    """The compiled catalog, re-read at most every `ttl_s` (a handful of small documents)."""

    def __init__(self, definitions: SegmentDefinitions, ttl_s: float = CATALOG_TTL_S) -> None:
        self.definitions = definitions
        self.ttl_s = ttl_s
        self._loaded: tuple[float, Catalog] | None = None

    async def current(self) -> Catalog:
        now = time.monotonic()
        if self._loaded is None or now - self._loaded[0] > self.ttl_s:
            self._loaded = (now, Catalog.of(await self.definitions.all()))
        return self._loaded[1]


def member_id(segment_id: str, customer_id: str) -> str:
    return f"{segment_id}:{customer_id}"


class Memberships:
    def __init__(self, store: ProjectionStore) -> None:
        self.collection = store.segment_members

    async def record(self, customer_id: str, entered: Sequence[str], exited: Sequence[str]) -> None:
        """Idempotent: an upsert per segment entered, a delete per segment left."""
        writes: list[Any] = [
            self.collection.replace_one(
                {"_id": member_id(s, customer_id)},
                {"segment_id": s, "customer_id": customer_id},
                upsert=True,
            )
            for s in entered
        ]
        writes += [self.collection.delete_one({"_id": member_id(s, customer_id)}) for s in exited]
        await together(writes)

    async def page(self, segment_id: str, after: str | None, limit: int) -> list[str]:
        """Customer ids in the segment, in id order, after `after`. A listing, not a hot path:
        FerretDB pushes the string equality down on PostgreSQL; SQLite scans."""
        found = self.collection.find({"segment_id": segment_id}, {"customer_id": 1})
        ids = sorted([str(doc["customer_id"]) async for doc in found])
        return [c for c in ids if after is None or c > after][:limit]

    async def size(self, segment_id: str) -> int:
        return await self.collection.count_documents({"segment_id": segment_id})

    async def drop(self, segment_id: str) -> int:
        result = await self.collection.delete_many({"segment_id": segment_id})
        return result.deleted_count


class KafkaSegmentEvents:
    """Publishes to `c360.segments` with the durable producer (acks=all, idempotent) and returns
    only once the broker has every record."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, events: Sequence[SegmentEvent]) -> None:
        sent = [
            await self.producer.send(
                self.topic,
                encode_event(e),
                key=e.data.customer_id.encode(),
                headers=STRUCTURED_HEADERS,
            )
            for e in events
        ]
        await asyncio.gather(*sent)


class BackfillJobs:
    """One progress document per segment (`_id` = segment id): its latest back-fill."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[JOBS]

    async def save(self, segment_id: str, progress: Mapping[str, object]) -> None:
        await self.collection.replace_one({"_id": segment_id}, dict(progress), upsert=True)

    async def latest(self, segment_id: str) -> Document | None:
        doc = await self.collection.find_one({"_id": segment_id})
        return None if doc is None else {k: v for k, v in doc.items() if k != "_id"}
