"""Dead letters: read them, and send them (fixed, or as they were) back through ingress.

A replay is recorded in the store by the dead letter's offset before it is sent, so a second
`replay` of the same record is refused unless forced (the check names the dead letter, not the
event, so two adapters' events that share an id are never taken for one). A forced or repeated
send is still safe: ingress treats an event (`source` + `id`) it has accepted before as a retry,
with no second effect. A dead letter withheld by an erasure is never sent again, forced or not.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError

from shared.kafka import make_producer, make_reader, partitions_of
from shared.mongo import database, make_client
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

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The record's own headers (content type, `ce_` attributes), without ours."""
        return [(k, v) for k, v in self.headers if not k.startswith(OWN_HEADERS)]


def parse_ref(ref: str) -> tuple[int, int]:
    partition, _, offset = ref.partition(":")
    if not (partition.isdigit() and offset.isdigit()):
        raise ValueError(f"{ref!r} is not partition:offset (as `c360 dlq list` shows it)")
    return int(partition), int(offset)


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


def pick(letters: list[DeadLetter], refs: list[str], kind: str | None) -> Iterator[DeadLetter]:
    wanted = {parse_ref(r) for r in refs}
    for letter in letters:
        if (letter.partition, letter.offset) in wanted or (
            not refs and kind is not None and letter.header("error-kind") == kind
        ):
            yield letter


async def withhold(settings: Settings, letters: list[DeadLetter], why: str) -> None:
    """Mark dead letters never to be replayed, forced or not (they hold an erased customer's
    data: sent back through ingress they would create the person again)."""
    client = make_client(settings)
    try:
        ledger = database(client, settings)[REPLAYS]
        for letter in letters:
            entry = {"_id": f"{Topics.from_settings(settings).deadletter}|{letter.ref}"}
            update = {"$set": {"withheld": why, "withheld_at": datetime.now(UTC)}}
            await ledger.update_one(entry, update, upsert=True)
    finally:
        await client.close()


async def replay(
    settings: Settings, letters: list[DeadLetter], fixed: bytes | None = None, force: bool = False
) -> list[tuple[DeadLetter, str]]:
    """Send each dead letter's original bytes (or `fixed`) to ingress; (letter, outcome) pairs."""
    ingress = Topics.from_settings(settings).ingress
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    outcomes: list[tuple[DeadLetter, str]] = []
    try:
        ledger = database(client, settings)[REPLAYS]
        for letter in letters:
            entry = {"_id": f"{Topics.from_settings(settings).deadletter}|{letter.ref}"}
            try:
                await ledger.insert_one(
                    {**entry, "at": datetime.now(UTC), "fixed": fixed is not None}
                )
            except DuplicateKeyError:
                withheld = (await ledger.find_one(entry) or {}).get("withheld")
                if withheld:
                    outcomes.append((letter, f"refused: {withheld}"))
                    continue
                if not force:
                    outcomes.append((letter, "skipped: replayed before (--force sends it again)"))
                    continue
            value = fixed if fixed is not None else letter.value
            await producer.send_and_wait(
                ingress, value, key=letter.key, headers=letter.original_headers()
            )
            outcomes.append((letter, f"sent to {ingress}"))
    finally:
        await producer.stop()
        await client.close()
    return outcomes
