"""One consumed batch: decode -> group by customer -> state from memory, else by `_id` -> fold ->
guarded writes -> checkpoints. The caller commits the offsets only after `handle` returns.

The states of the customers this worker owns are kept in memory between batches
(`OwnedStates`, which says when an entry goes); a failed batch drops every customer it touched.

Per customer the timeline buckets are written first and the state (which carries the position
guard) last, so a crash between the two is repaired by the next delivery (see domain.records).
"""

import asyncio
import time
from collections import defaultdict
from collections.abc import Collection, Sequence

import orjson
from aiokafka.structs import TopicPartition

from services.projections import metrics
from services.projections.adapters.fault_points import BetweenWrites
from services.projections.domain.records import (
    SourceRecord,
    assemble_days,
    bucket_writes,
    days_to_load,
    fold_records,
    pending,
    stored_parts,
)
from services.projections.domain.state import CustomerState
from services.projections.service_layer.owned_states import OwnedStates
from services.projections.service_layer.ports import ProjectionDocuments
from services.projections.service_layer.segmenting import SegmentTracker
from shared.concurrency import together
from shared.consuming import DeadLetterSink, Record
from shared.events import Event, InvalidEvent, decode_kafka_record
from shared.events.analytics import AnalyticsScored
from shared.events.contacts import ContactEvent
from shared.events.notifications import NotificationEvent
from shared.mongo import VersionConflict, is_busy_writer
from shared.privacy.keyring import Keyring
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
    if isinstance(event, NotificationEvent | AnalyticsScored):
        return data.customer_id  # type: ignore[union-attr]
    if isinstance(event, ContactEvent):
        return getattr(data, "survivor_id", None) or getattr(data, "customer_id", None)
    ref = getattr(data, "customer", None)
    if ref is not None and ref.customer_id:
        return str(ref.customer_id)
    return key.decode("utf-8", "replace") if key else None


def next_offsets_of(records: Sequence[Record]) -> dict[tuple[str, int], int]:
    next_offsets: dict[tuple[str, int], int] = {}
    for raw in records:
        tp = (raw.topic, raw.partition)
        next_offsets[tp] = max(next_offsets.get(tp, 0), raw.offset + 1)
    return next_offsets


class Projector:
    def __init__(
        self,
        store: ProjectionDocuments,
        dead_letters: DeadLetterSink,
        topics: Topics,
        between_writes: BetweenWrites | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        segments: SegmentTracker | None = None,
        keys: Keyring | None = None,
        owned: OwnedStates | None = None,
    ) -> None:
        self.store = store
        self.dead_letters = dead_letters
        self.topics = topics
        self.limit = asyncio.Semaphore(concurrency)
        self.between_writes = between_writes  # a test's fault point, None in production
        self.segments = segments
        self.keys = keys  # opens sealed personal fields; without it events read anonymous
        self.owned = owned if owned is not None else OwnedStates()

    def partitions_revoked(self, partitions: Collection[TopicPartition]) -> None:
        """Another member may write these customers next: forget them (`OwnsPartitions`)."""
        self.owned.forget_partitions({tp.partition for tp in partitions})

    def partitions_assigned(self, partitions: Collection[TopicPartition]) -> None:
        self.owned.keep_only_partitions({tp.partition for tp in partitions})

    def catalog_name(self, topic: str) -> str:
        """`interactions`, `contacts` or `notifications`: positions survive a prefix change."""
        return topic.removeprefix(self.topics.prefix).removeprefix("c360.")

    async def handle(self, records: Sequence[Record]) -> None:
        """Fold the batch; rejects what cannot be read, raises if any customer fails."""
        started = time.perf_counter()
        by_customer: dict[str, list[SourceRecord]] = defaultdict(list)
        if self.keys is not None:  # not a round trip per new customer while decoding
            await self.keys.prepare_to_open((raw.key, raw.value) for raw in records)
        for raw in records:
            metrics.EVENTS_CONSUMED.labels(raw.topic).inc()
            decoded = await self._decode(raw)
            if decoded is not None:
                by_customer[decoded[0]].append(decoded[1])
        try:
            await together(self._customer(c, rs) for c, rs in by_customer.items())
            await self.store.save_checkpoints(next_offsets_of(records))
        except BaseException:
            # what was written for them is in doubt: the retry (or the next owner) reads the store
            self.owned.forget(by_customer)
            raise
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)

    async def _decode(self, raw: Record) -> tuple[str, SourceRecord] | None:
        try:
            if self.keys is None:
                event = decode_kafka_record(raw.value, raw.headers)
            else:
                event = await self.keys.decode_record(raw.value, raw.headers)
        except InvalidEvent as exc:
            await self.dead_letters.reject(raw, exc.kind, str(exc))
            return None
        customer_id = customer_of(event, raw.key)
        if not customer_id:
            await self.dead_letters.reject(raw, "no_customer_id", "no subject, id or key")
            return None
        data = orjson.dumps(event.data.model_dump(mode="json")).decode()
        name = self.catalog_name(raw.topic)
        source = SourceRecord(name, raw.partition, raw.offset, event, data, raw.timestamp)
        return customer_id, source

    async def _customer(self, customer_id: str, records: list[SourceRecord]) -> tuple[int, int]:
        """Fold one customer's records, redoing it (it is idempotent) after a lost race or a
        busy store; what still fails after that fails the batch, which is then redelivered."""
        async with self.limit:
            for attempt in range(MAX_RETRIES):
                try:
                    return await self._fold(customer_id, records)
                except VersionConflict:  # another writer got there first: reload and redo
                    metrics.CONFLICTS.inc()
                    self.owned.forget([customer_id])
                except Exception as exc:
                    self.owned.forget([customer_id])
                    if not is_busy_writer(exc):  # worth retrying the same idempotent writes
                        raise
                    metrics.STORE_RETRIES.inc()
                    await asyncio.sleep(BACKOFF_S * 2**attempt)
            return await self._fold(customer_id, records)

    async def _fold(self, customer_id: str, records: list[SourceRecord]) -> tuple[int, int]:
        state = await self._state(customer_id, records[0].partition)
        wanted = days_to_load(state, records)
        stored = await self.store.load_parts(customer_id, stored_parts(state, wanted))
        days = assemble_days(state, wanted, stored)
        first = pending(state, records)[:1]
        folded = fold_records(state, days, records)
        if not folded.changed:
            return 0, 0
        writes = bucket_writes(state, folded.state, days)
        fresh = {key for key in writes if not stored.get(key)}  # not found when loaded
        await self.store.save_buckets(customer_id, writes, fresh)
        await self.store.apply_effects(folded.effects)
        new_state = folded.state
        if self.segments is not None and folded.applied:
            # the cause is the first record folded: a redelivery after a crash names it again
            new_state = await self.segments.settle(new_state, first[0].pos)
        if self.between_writes is not None:
            await self.between_writes()
        saved = await self.store.save_state(new_state, state.revision)
        self.owned.keep(records[0].partition, saved)
        now_ms = time.time() * 1000
        for record in records:
            # accepted -> visible: from the broker's timestamp, not the event's business time
            metrics.EVENT_AGE.observe(max(0.0, (now_ms - record.logged_at_ms) / 1000))
            metrics.EVENTS_APPLIED.labels(record.topic).inc()
        return folded.applied, folded.duplicates

    async def _state(self, customer_id: str, partition: int) -> CustomerState:
        """The customer's state as the store holds it: kept in memory, else read (and kept)."""
        kept = self.owned.get(customer_id)
        if kept is not None:
            metrics.OWNED_STATE_READS.labels("memory").inc()
            return kept
        metrics.OWNED_STATE_READS.labels("store").inc()
        stored = await self.store.load_state(customer_id)
        if stored is None:
            return CustomerState(customer_id=customer_id)
        self.owned.keep(partition, stored)
        return stored
