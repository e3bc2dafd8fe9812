"""Feeds the query API's near cache from the log: which customers each new record concerns, and
how far the projector has folded each partition.

It reads every source partition without a consumer group (nothing is committed; each API process
reads on its own) from the active generation's checkpoints on, so no record the projector has
yet to fold goes unseen.

It is not a consumer-group consumer, so it is not a handler of `shared.consuming`'s batch runner:
every API process must see every partition (a group would split them among the processes), it
commits nothing, and it applies nothing — a record it cannot read concerns its key only
(`customers_of` never raises; `tests/unit/projections/test_change_feed.py`), so no record can stop
it, and a broker or store failure only pauses the cache.
"""

import asyncio
import contextlib
import time

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.service_layer.view_cache import Snapshot, ViewCache
from shared.kafka import IDLE_FETCH_WAIT_MS, make_reader, partitions_of
from shared.logging import get_logger
from shared.mongo import Document
from shared.settings import Settings

log = get_logger(__name__)
CHECKPOINT_POLL_S = 0.1
# With nothing pending, checkpoints move only after a new record, which ends the wait at once;
# so an idle feed asks the store and the broker every 2 s instead of ten times a second.
IDLE_POLL_S = 2.0
GENERATION_CHECK_S = 1.0
RETRY_S = 2.0
MERGE_FIELDS = ("survivor_id", "merged_id")


def customers_of(record: ConsumerRecord[bytes, bytes], contacts_topic: str) -> set[str]:
    """The customers a record concerns: its key, and for a contact record both sides of a merge
    (a merged id's view is its survivor's). Unreadable records concern no one: the projector
    dead-letters them without touching a view."""
    found = {record.key.decode("utf-8", "replace")} if record.key else set()
    if record.topic != contacts_topic and found:
        return found
    try:
        event = orjson.loads(record.value or b"")
    except orjson.JSONDecodeError:
        return found
    if not isinstance(event, dict):
        return found
    data = event.get("data")
    fields = [event.get("subject")] + [data.get(f) for f in MERGE_FIELDS if isinstance(data, dict)]
    return found | {str(f) for f in fields if isinstance(f, str) and f}


class ChangeFeed:
    def __init__(
        self,
        settings: Settings,
        db: AsyncDatabase[Document],
        topics: list[str],
        contacts_topic: str,
        cache: ViewCache,
    ) -> None:
        self.settings = settings
        self.db = db
        self.topics = topics
        self.contacts_topic = contacts_topic
        self.cache = cache

    async def run(self) -> None:
        """Follow the log for ever; on any broker or store failure, stop caching and start over."""
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except (
                Exception
            ) as exc:  # the cache is an optimisation: reads go to the store meanwhile
                log.warning("near cache paused: cannot follow the log", error=repr(exc))
                self.cache.reset()
                await asyncio.sleep(RETRY_S)

    async def _follow(self) -> None:
        consumer = make_reader(
            self.settings,
            isolation_level="read_committed",
            max_partition_fetch_bytes=256 * 1024,
            fetch_max_wait_ms=IDLE_FETCH_WAIT_MS,
        )
        await consumer.start()
        try:
            partitions = await partitions_of(self.settings, self.topics)
            consumer.assign(partitions)
            generation = ""
            checked = polled = 0.0
            while True:
                if time.monotonic() - checked > GENERATION_CHECK_S:
                    checked = time.monotonic()
                    active = await active_generation(self.db)
                    if active != generation:
                        generation = active
                        await self._start_at_checkpoints(consumer, partitions, generation)
                interval = IDLE_POLL_S if self.cache.folded_all_seen() else CHECKPOINT_POLL_S
                if time.monotonic() - polled > interval:
                    polled = time.monotonic()
                    await self._read_checkpoints(generation)
                batches = await consumer.getmany(timeout_ms=int(interval * 1000))
                for tp, records in batches.items():
                    for record in records:
                        concerned = customers_of(record, self.contacts_topic)
                        contact = tp.topic == self.contacts_topic
                        self.cache.saw((tp.topic, tp.partition), record.offset, concerned, contact)
        finally:
            self.cache.reset()
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _start_at_checkpoints(
        self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition], generation: str
    ) -> None:
        self.cache.reset()
        store = ProjectionStore(self.db, generation)
        for tp in partitions:
            consumer.seek(tp, await store.checkpoint(tp.topic, tp.partition))
        self.cache.follow(generation)
        log.info("near cache following the log", generation=generation, partitions=len(partitions))

    async def _read_checkpoints(self, generation: str) -> None:
        """All checkpoints in one small query (the collection holds one document per partition)."""
        taken = time.monotonic()
        docs = ProjectionStore(self.db, generation).checkpoints.find({})
        checkpoints = {
            (str(d["topic"]), int(d["partition"])): int(d["next_offset"]) async for d in docs
        }
        self.cache.checkpoints_read(Snapshot(checkpoints, taken))
