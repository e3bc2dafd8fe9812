"""The dead-letter topic as operators and erasure see it: its records, and the replay ledger that
says which were sent back and which may never be (`ops_dead_letter_replays`: one document per dead
letter, `_id` = `<topic>|<partition>:<offset>`).

An erasure withholds the dead letters that hold the erased person's identifiers or texts: sent
back through ingress they would create the person again. The contacts service does it while it
still knows the person (before the data key is destroyed); `c360 dlq replay` refuses them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from shared.kafka import make_reader, partitions_of
from shared.mongo import Document
from shared.privacy.matching import Matcher
from shared.privacy.needles import Subject, needles_of
from shared.settings import Settings
from shared.topics import Topics

REPLAYS = "ops_dead_letter_replays"
OWN_HEADERS = "c360-"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @property
    def ref(self) -> str:
        """How operators name a dead letter: `partition:offset`."""
        return f"{self.partition}:{self.offset}"

    def header(self, name: str) -> str:
        found = dict(self.headers).get(f"c360-{name}")
        return "" if found is None else found.decode("utf-8", "replace")

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)

    @property
    def raw(self) -> bytes:
        """Key, value and headers, as an erasure looks for a person in them."""
        return b"\n".join([self.key or b"", self.value or b"", *(v for _, v in self.headers)])

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The record's own headers (content type, `ce_` attributes), without ours."""
        return [(k, v) for k, v in self.headers if not k.startswith(OWN_HEADERS)]


async def read_all(settings: Settings) -> list[DeadLetter]:
    """Every record on the dead-letter topic, oldest first per partition."""
    topic = Topics.from_settings(settings).deadletter
    consumer = make_reader(settings)
    await consumer.start()
    try:
        partitions = await partitions_of(settings, [topic])
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batches = await consumer.getmany(timeout_ms=1_000)
            for tp, records in batches.items():
                letters += [
                    DeadLetter(
                        tp.partition,
                        r.offset,
                        r.timestamp,
                        r.key,
                        r.value,
                        tuple((k, v) for k, v in r.headers),
                    )
                    for r in records
                    if r.offset < ends[tp]
                ]
        return sorted(letters, key=lambda d: (d.partition, d.offset))
    finally:
        await consumer.stop()


def ledger_id(settings: Settings, letter: DeadLetter) -> str:
    return f"{Topics.from_settings(settings).deadletter}|{letter.ref}"


async def withhold(
    settings: Settings, db: AsyncDatabase[Document], letters: list[DeadLetter], why: str
) -> None:
    """Mark dead letters never to be replayed, forced or not (they hold an erased customer's
    data: sent back through ingress they would create the person again)."""
    for letter in letters:
        update = {"$set": {"withheld": why, "withheld_at": datetime.now(UTC)}}
        await db[REPLAYS].update_one({"_id": ledger_id(settings, letter)}, update, upsert=True)


async def withhold_holding(
    settings: Settings, db: AsyncDatabase[Document], subject: Subject, why: str
) -> int:
    """Withhold every dead letter holding one of `subject`'s identifiers or texts, in any
    spelling c360 writes; how many there are."""
    needles = needles_of(subject, settings.default_region)
    if not needles.needles:
        return 0
    matcher = Matcher(needles)
    holding = [d for d in await read_all(settings) if matcher.find(d.raw)]
    await withhold(settings, db, holding, why)
    return len(holding)
