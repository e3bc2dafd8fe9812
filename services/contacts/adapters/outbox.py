"""Publishing contact events exactly once, from a process that may die at any instant.

Before a change is committed to the store, its outbox marker records where the event will go
(partition) and a lower bound of the offset it can land at (the partition's end offset, read
before the marker was written). If the process dies after publishing but before clearing the
marker, recovery scans the partition from that bound for the event id instead of publishing again.

Each process holds a lease (`outbox_runs`, renewed by a heartbeat); markers of a run whose lease
expired are recovered by a live process. A process that could not renew its lease in time stops
publishing (fences itself) and continues under a new run id, so a recoverer and a slow original
never both publish. The lease must outlast the producer's delivery timeout for the same reason.
"""

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import DefaultPartitioner
from prometheus_client import Counter
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.domain.ids import new_event_id
from shared.concurrency import within
from shared.events import STRUCTURED_HEADERS
from shared.kafka import make_reader
from shared.logging import get_logger
from shared.mongo import Document
from shared.position import Position
from shared.privacy.local import keyring as local_keyring
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)
PUBLISHED = Counter("c360_contact_events_published_total", "Contact events published", ["via"])
_partitioner = DefaultPartitioner()
# A renewed lease is trusted for 0.45 x lease from the start of the renewal; a send started at the
# last moment ends within the producer's 30 s timeout, before 1 x lease (60 s by default) when
# a recoverer may start. Renewing every lease/12 leaves room for several slow heartbeats.
VALID_FRACTION = 0.45
RENEW_EVERY = 1 / 12


class Fenced(RuntimeError):
    """This process's lease lapsed; another process may be recovering its pending events."""


@dataclass(frozen=True)
class Placement:
    partition: int
    from_offset: int


class Outbox:
    """The Kafka side of the contact journal: placement, fenced publishing, the run's lease."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        producer: AIOKafkaProducer,
        settings: Settings,
        lease_s: float = 30.0,
    ) -> None:
        self.runs = db["outbox_runs"]
        self.producer = producer
        self.settings = settings
        self.topic = Topics.from_settings(settings).contacts
        self.lease_s = lease_s
        self.run_id = new_event_id()
        self.keyring = local_keyring(settings, db)  # personal fields leave sealed
        self._valid_until = 0.0
        self._end_offsets: dict[int, int] = {}
        self._offsets_reader: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._offsets_reader = make_reader(self.settings)
        await self._offsets_reader.start()
        await self.refresh_offsets()
        await self.renew_lease()

    async def stop(self) -> None:
        if self._offsets_reader is not None:
            await self._offsets_reader.stop()
        # A clean stop leaves no lease; any marker still pending is judged by its age instead.
        await self.runs.delete_one({"_id": self.run_id})

    async def renew_lease(self) -> None:
        """Heartbeat; after a lapse, continue as a new run (the old one is left to recovery)."""
        started = time.monotonic()
        if started >= self._valid_until and self._valid_until:
            log.warning("outbox lease lapsed; continuing as a new run", old_run=self.run_id)
            self.run_id = new_event_id()
        await self.runs.replace_one(
            {"_id": self.run_id},
            {"heartbeat_at": datetime.now(UTC), "lease_s": self.lease_s},
            upsert=True,
        )
        # Measured from before the write: the stored heartbeat is never later than this.
        self._valid_until = started + self.lease_s * VALID_FRACTION

    def check_lease(self, run: str | None = None) -> None:
        """Raise Fenced if the lease lapsed, or `run` (who claimed the change) is no longer ours."""
        if time.monotonic() >= self._valid_until or run not in (None, self.run_id):
            log.warning("refusing to publish: the outbox lease lapsed", run=self.run_id)
            raise Fenced(f"outbox run {self.run_id} lease lapsed")

    async def refresh_offsets(self) -> None:
        partitions = await self.partitions()
        assert self._offsets_reader is not None
        ends = await self._offsets_reader.end_offsets(
            [TopicPartition(self.topic, p) for p in partitions]
        )
        for tp, offset in ends.items():
            self._end_offsets[tp.partition] = max(offset, self._end_offsets.get(tp.partition, 0))

    async def partitions(self) -> list[int]:
        return sorted(await self.producer.partitions_for(self.topic))

    async def place(self, key: str) -> Placement:
        """Where the event keyed `key` will go, and an offset it cannot land before."""
        partitions = await self.partitions()
        partition = int(_partitioner(key.encode(), partitions, partitions))
        return Placement(partition, self._end_offsets.get(partition, 0))

    async def publish(
        self, key: str, value: bytes, partition: int, via: str = "direct", run: str | None = None
    ) -> Position:
        """Send and wait for acks=all; refuses once the lease (of `run`, if given) lapsed."""
        self.check_lease(run)
        value = await self.keyring.seal_document(orjson.loads(value))
        self.check_lease(run)  # a vault round trip may have outlived the lease
        sent = await self.producer.send_and_wait(
            self.topic, value, key=key.encode(), partition=partition, headers=STRUCTURED_HEADERS
        )
        # Later placements on this partition may start here: still a lower bound, scans shrink.
        self._end_offsets[partition] = max(sent.offset + 1, self._end_offsets.get(partition, 0))
        PUBLISHED.labels(via).inc()
        return Position(self.topic, partition, sent.offset)

    async def publish_new(
        self, records: Sequence[tuple[str, bytes, int]], run: str | None = None
    ) -> list[Position]:
        """`publish` for the first events of many new customers (key, value, partition): their
        keys created in one write, every record sent before any acknowledgement is awaited;
        raises if any is not acknowledged."""
        self.check_lease(run)
        documents = [orjson.loads(value) for _, value, _ in records]
        await self.keyring.create([key for key, _, _ in records])
        values = [await self.keyring.seal_document(document) for document in documents]
        self.check_lease(run)
        pending = [
            await self.producer.send(
                self.topic, value, key=key.encode(), partition=partition, headers=STRUCTURED_HEADERS
            )
            for (key, _, partition), value in zip(records, values, strict=True)
        ]
        positions = []
        for sent in await asyncio.gather(*pending):
            self._end_offsets[sent.partition] = max(
                sent.offset + 1, self._end_offsets.get(sent.partition, 0)
            )
            positions.append(Position(self.topic, sent.partition, sent.offset))
        PUBLISHED.labels("direct").inc(len(positions))
        return positions

    async def keep_alive(self, stop: asyncio.Event) -> None:
        """Renew the lease and the offset bounds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.renew_lease()
                await self.refresh_offsets()
            except Exception as exc:  # the loop must outlive store or broker outages
                log.warning("outbox heartbeat failed", error=str(exc))
            with contextlib.suppress(TimeoutError):
                await within(stop.wait(), self.lease_s * RENEW_EVERY)
