"""One consumed batch: decode -> group by customer -> load by `_id` -> fold -> guarded writes ->
checkpoints. The caller commits the offsets only after `handle` returns.

Per customer the timeline buckets are written first and the state (which carries the position
guard) last, so a crash between the two is repaired by the next delivery (see domain.records).
"""

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from services.projections import metrics
from services.projections.adapters.fault_points import BetweenWrites
from services.projections.domain.records import (
    SourceRecord,
    assemble_days,
    bucket_writes,
    days_to_load,
    fold_records,
    stored_parts,
)
from services.projections.domain.state import CustomerState
from services.projections.service_layer.ports import (
    ProjectionDocuments,
    RawRecord,
    RejectedRecords,
)
from shared.events import Event, InvalidEvent, decode_kafka_record
from shared.events.contacts import ContactEvent
from shared.events.notifications import NotificationEvent
from shared.mongo import VersionConflict, is_busy_writer
from shared.topics import Topics

# Customers written at once per batch (`C360_PROJECTIONS_WRITE_CONCURRENCY`). MongoDB and
# FerretDB on PostgreSQL take many concurrent writers; FerretDB on SQLite has one writer at a
# time, so there a few (4) hide the round-trip latency and more only queue or fail as busy.
DEFAULT_CONCURRENCY = 16
MAX_RETRIES = 8
BACKOFF_S = 0.05


def customer_of(event: Event, key: bytes | None) -> str | None:
    """The subject (the contract), else the id in the payload, else the record key."""
    if event.subject:
        return event.subject
    data = event.data
    if isinstance(event, NotificationEvent):
        return data.customer_id  # type: ignore[union-attr]
    if isinstance(event, ContactEvent):
        return getattr(data, "survivor_id", None) or getattr(data, "customer_id", None)
    ref = getattr(data, "customer", None)
    if ref is not None and ref.customer_id:
        return str(ref.customer_id)
    return key.decode("utf-8", "replace") if key else None


@dataclass
class BatchResult:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0


class Projector:
    def __init__(
        self,
        store: ProjectionDocuments,
        dead_letters: RejectedRecords,
        topics: Topics,
        between_writes: BetweenWrites | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.store = store
        self.dead_letters = dead_letters
        self.topics = topics
        self.limit = asyncio.Semaphore(concurrency)
        self.between_writes = between_writes  # a test's fault point, None in production

    def catalog_name(self, topic: str) -> str:
        """`interactions`, `contacts` or `notifications`: positions survive a prefix change."""
        return topic.removeprefix(self.topics.prefix).removeprefix("c360.")

    async def handle(self, records: Sequence[RawRecord]) -> BatchResult:
        started = time.perf_counter()
        result = BatchResult()
        by_customer: dict[str, list[SourceRecord]] = defaultdict(list)
        for raw in records:
            metrics.EVENTS_CONSUMED.labels(raw.topic).inc()
            decoded = await self._decode(raw)
            if decoded is None:
                result.rejected += 1
                continue
            by_customer[decoded[0]].append(decoded[1])
        counts = await asyncio.gather(*(self._customer(c, rs) for c, rs in by_customer.items()))
        result.applied = sum(a for a, _ in counts)
        result.duplicates = sum(d for _, d in counts)
        await self.dead_letters.flush()
        next_offsets: dict[tuple[str, int], int] = {}
        for raw in records:
            tp = (raw.topic, raw.partition)
            next_offsets[tp] = max(next_offsets.get(tp, 0), raw.offset + 1)
        await self.store.save_checkpoints(next_offsets)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        return result

    async def _decode(self, raw: RawRecord) -> tuple[str, SourceRecord] | None:
        try:
            event = decode_kafka_record(raw.value, raw.headers)
        except InvalidEvent as exc:
            await self.dead_letters.reject(raw, exc.kind, str(exc))
            return None
        customer_id = customer_of(event, raw.key)
        if not customer_id:
            await self.dead_letters.reject(raw, "no_customer_id", "no subject, id or key")
            return None
        data = orjson.dumps(event.data.model_dump(mode="json")).decode()
        name = self.catalog_name(raw.topic)
        return customer_id, SourceRecord(name, raw.partition, raw.offset, event, data)

    async def _customer(self, customer_id: str, records: list[SourceRecord]) -> tuple[int, int]:
        """Fold one customer's records, redoing it (it is idempotent) after a lost race or a
        busy store; what still fails after that fails the batch, which is then redelivered."""
        async with self.limit:
            for attempt in range(MAX_RETRIES):
                try:
                    return await self._fold(customer_id, records)
                except VersionConflict:  # another writer got there first: reload and redo
                    metrics.CONFLICTS.inc()
                except Exception as exc:
                    if not is_busy_writer(exc):  # worth retrying the same idempotent writes
                        raise
                    metrics.STORE_RETRIES.inc()
                    await asyncio.sleep(BACKOFF_S * 2**attempt)
            return await self._fold(customer_id, records)

    async def _fold(self, customer_id: str, records: list[SourceRecord]) -> tuple[int, int]:
        state = await self.store.load_state(customer_id) or CustomerState(customer_id=customer_id)
        wanted = days_to_load(state, records)
        stored = await self.store.load_parts(customer_id, stored_parts(state, wanted))
        days = assemble_days(state, wanted, stored)
        folded = fold_records(state, days, records)
        if not folded.changed:
            return 0, 0
        await self.store.save_buckets(customer_id, bucket_writes(state, folded.state, days))
        await self.store.apply_effects(folded.effects)
        if self.between_writes is not None:
            await self.between_writes()
        await self.store.save_state(folded.state, state.revision)
        now = datetime.now(UTC)
        for record in records:
            metrics.EVENT_AGE.observe(max(0.0, (now - record.event.time).total_seconds()))
            metrics.EVENTS_APPLIED.labels(record.topic).inc()
        return folded.applied, folded.duplicates
