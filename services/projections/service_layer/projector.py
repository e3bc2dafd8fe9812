"""One consumed batch: decode -> group by customer -> states from memory, else read -> fold ->
guarded writes -> checkpoints. The caller commits the offsets only after `handle` returns.

The states of the customers this worker owns are kept in memory between batches
(`OwnedStates`, which says when an entry goes); a failed batch drops every customer it touched.

The whole batch is written together, a few store round trips however many customers it holds:
the states not kept are read in one go, so are the timeline parts, and each kind of write is one
bulk for every customer (`ProjectionDocuments`). The timeline parts and the effects are written
first and the states (which carry the position guard) last, so a crash between the two is
repaired by the next delivery (see domain.records).
"""

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

import orjson
from aiokafka.structs import TopicPartition

from services.projections import metrics
from services.projections.adapters.fault_points import BetweenWrites
from services.projections.domain.records import (
    Folded,
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
from services.projections.service_layer.ports import PartWrites, ProjectionDocuments
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

# Customers whose segment membership is settled at once (`C360_PROJECTIONS_WRITE_CONCURRENCY`):
# each may read the states merged into it and write membership documents. The batch's own
# writes are one bulk per kind. FerretDB on SQLite has one writer at a time: 4 suits it there.
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
        for topic, count in Counter(raw.topic for raw in records).items():
            metrics.EVENTS_CONSUMED.labels(topic).inc(count)  # per topic, not per record
        for raw in records:
            decoded = await self._decode(raw)
            if decoded is not None:
                by_customer[decoded[0]].append(decoded[1])
        try:
            await self._fold_until_written(by_customer)
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

    async def _fold_until_written(self, by_customer: dict[str, list[SourceRecord]]) -> None:
        """Fold the customers together, then redo (it is idempotent) those whose state write
        lost a race, reading them from the store, and all of them after a busy store; what
        still fails after that fails the batch, which is then redelivered."""
        todo = by_customer
        for attempt in range(MAX_RETRIES):
            try:
                unwritten = await self._fold(todo)
            except Exception as exc:
                self.owned.forget(todo)
                if not is_busy_writer(exc):  # worth retrying the same idempotent writes
                    raise
                metrics.STORE_RETRIES.inc()
                await asyncio.sleep(BACKOFF_S * 2**attempt)
                continue
            if not unwritten:
                return
            metrics.CONFLICTS.inc(len(unwritten))  # another writer got there first
            self.owned.forget(unwritten)
            todo = {c: todo[c] for c in unwritten}
        unwritten = await self._fold(todo)
        for customer_id, revision in unwritten.items():
            raise VersionConflict(customer_id, revision)

    async def _fold(self, by_customer: dict[str, list[SourceRecord]]) -> dict[str, int]:
        """One pass over the customers, a few round trips for all of them: states, timeline
        parts, then (per store call, for every customer at once) parts, effects, segments and
        last the states, which carry the positions. Returns the customers whose state was not
        written (`ProjectionDocuments.save_states`)."""
        states = await self._states(by_customer)
        wanted = {c: days_to_load(states[c], rs) for c, rs in by_customer.items()}
        stored = await self.store.load_parts_of(
            {c: stored_parts(states[c], days) for c, days in wanted.items()}
        )
        folds: dict[str, Folded] = {}
        parts: dict[str, PartWrites] = {}
        causes: dict[str, str] = {}
        for customer_id, records in by_customer.items():
            state, loaded = states[customer_id], stored[customer_id]
            days = assemble_days(state, wanted[customer_id], loaded)
            todo = pending(state, records)
            folded = fold_records(state, days, records)
            if folded.changed:
                # a segment change's cause is the first record folded: a redelivery after a
                # crash names it again
                causes[customer_id] = todo[0].pos
                writes = bucket_writes(state, folded.state, days)
                fresh = frozenset(key for key in writes if not loaded.get(key))
                parts[customer_id] = PartWrites(writes, fresh)
                folds[customer_id] = folded
        if not folds:
            return {}
        await self.store.save_parts(parts)
        await self.store.apply_effects([e for f in folds.values() for e in f.effects])
        settled = await together(self._settle(folded, causes[c]) for c, folded in folds.items())
        if self.between_writes is not None:
            await self.between_writes()
        saved, unwritten = await self.store.save_states(
            [(s, states[s.customer_id].revision) for s in settled]
        )
        now_ms = time.time() * 1000
        applied: Counter[str] = Counter()
        for state in saved:
            records = by_customer[state.customer_id]
            self.owned.keep(records[0].partition, state)
            for record in records:
                # accepted -> visible: from the broker's timestamp, not the event's business time
                metrics.EVENT_AGE.observe(max(0.0, (now_ms - record.logged_at_ms) / 1000))
                applied[record.topic] += 1
        for topic, count in applied.items():
            metrics.EVENTS_APPLIED.labels(topic).inc(count)
        return unwritten

    async def _settle(self, folded: Folded, cause: str) -> CustomerState:
        """The folded state with its segment membership brought up to date."""
        if self.segments is None or not folded.applied:
            return folded.state
        async with self.limit:
            return await self.segments.settle(folded.state, cause)

    async def _states(self, by_customer: dict[str, list[SourceRecord]]) -> dict[str, CustomerState]:
        """Each customer's state as the store holds it: kept in memory, else read (and kept);
        those read are read together."""
        states: dict[str, CustomerState] = {}
        for customer_id in by_customer:
            kept = self.owned.get(customer_id)
            if kept is not None:
                states[customer_id] = kept
        missing = [c for c in by_customer if c not in states]
        metrics.OWNED_STATE_READS.labels("memory").inc(len(states))
        metrics.OWNED_STATE_READS.labels("store").inc(len(missing))
        stored = await self.store.load_states(missing) if missing else {}
        for customer_id in missing:
            state = stored.get(customer_id)
            if state is None:
                state = CustomerState(customer_id=customer_id)
            else:
                self.owned.keep(by_customer[customer_id][0].partition, state)
            states[customer_id] = state
        return states
