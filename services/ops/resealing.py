"""`c360 reseal --from-prefix OLD`: the upgrade for events written before sealing.

Copies the keyed topics of the generation named by OLD (its topic prefix) into this deployment's
topics (`C360_TOPIC_PREFIX`, a new generation), each partition into the same partition, in offset
order, with its key and headers, so every customer's order is kept. A plain record is sealed on
the way as a producer would seal it now; a sealed one is copied as it is; the record of a
customer erased since is written anonymous (the key is gone). Run it with the producers stopped
(docs/operations.md, "Plain events from before encryption").

Resumable: each copy carries the place it was copied from (`c360-resealed-from: topic:partition:
offset`), and one producer writes each partition in order with idempotence on, so what reached
a target partition before an interruption is a prefix of the source partition, and the last
record's header says where the next run continues. A run after a complete one copies nothing.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord, RecordMetadata

from shared.kafka import make_producer, partitions_of
from shared.log_reading import every_record, last_records
from shared.mongo import database, make_client
from shared.privacy.keyring import Keyring
from shared.privacy.local import keyring
from shared.privacy.sealing import SEALED
from shared.settings import Settings
from shared.topics import CONTACTS, INTERACTIONS, NOTIFICATIONS, Topics, TopicSpec

RESEALED = (CONTACTS, INTERACTIONS, NOTIFICATIONS)
IN_FLIGHT = 500
RESEALED_FROM = "c360-resealed-from"


@dataclass
class Copied:
    records: int = 0
    sealed: int = 0


async def reseal(
    settings: Settings, old_prefix: str, progress: Callable[[str], None]
) -> dict[str, Copied]:
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        keys = keyring(settings, database(client, settings))
        new = Topics.from_settings(settings)
        return {
            new.name(spec): await _copy(settings, keys, producer, old_prefix, spec, progress)
            for spec in RESEALED
        }
    finally:
        await producer.stop()
        await client.close()


async def _copy(
    settings: Settings,
    keys: Keyring,
    producer: AIOKafkaProducer,
    old_prefix: str,
    spec: TopicSpec,
    progress: Callable[[str], None],
) -> Copied:
    source, target = f"{old_prefix}{spec.base_name}", Topics.from_settings(settings).name(spec)
    partitions = await partitions_of(settings, [source])
    if len(await partitions_of(settings, [target])) != len(partitions):
        raise ValueError(f"{target} must have as many partitions as {source}")
    starts = await resume_points(settings, source, target, partitions)
    for tp, offset in sorted(starts.items()):
        progress(f"{target}[{tp.partition}] resumes at {source} offset {offset}")
    copied = Copied()
    sends: list[asyncio.Future[RecordMetadata]] = []
    async for r in every_record(settings, partitions, starts):
        value = await _sealed(keys, r.value, copied)
        sent = await producer.send(
            target, value, key=r.key, partition=r.partition, headers=_headers(r)
        )
        sends.append(sent)
        copied.records += 1
        if len(sends) >= IN_FLIGHT:  # one partition, one producer: the order sent is kept
            await asyncio.gather(*sends)
            sends = []
            progress(f"{source} -> {target}: {copied.records} records")
    await asyncio.gather(*sends)
    return copied


async def resume_points(
    settings: Settings, source: str, target: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """Where an earlier, interrupted run stopped: per source partition, the offset after the one
    the target partition's last record was copied from (partitions not begun are left out)."""
    targets = [TopicPartition(target, tp.partition) for tp in partitions]
    lasts = await last_records(settings, targets)
    starts: dict[TopicPartition, int] = {}
    for tp in partitions:
        last = lasts[TopicPartition(target, tp.partition)]
        if last is not None:
            starts[tp] = _copied_from(last, tp) + 1
    return starts


def _copied_from(record: ConsumerRecord[bytes, bytes], source: TopicPartition) -> int:
    place = dict(record.headers).get(RESEALED_FROM, b"").decode()
    topic, _, offset = place.rpartition(":")
    if topic != f"{source.topic}:{source.partition}" or not offset.isdigit():
        raise ValueError(
            f"{record.topic}[{record.partition}] holds records not copied from {source.topic}"
            f" (offset {record.offset}: {place or 'no ' + RESEALED_FROM}); give an empty generation"
        )
    return int(offset)


def _headers(record: ConsumerRecord[bytes, bytes]) -> list[tuple[str, bytes]]:
    """The record's headers, with where this copy comes from (replacing an earlier copy's)."""
    place = f"{record.topic}:{record.partition}:{record.offset}".encode()
    return [(k, v) for k, v in record.headers if k != RESEALED_FROM] + [(RESEALED_FROM, place)]


async def _sealed(keys: Keyring, value: bytes | None, copied: Copied) -> bytes | None:
    if value is None or SEALED.encode() in value:
        return value
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        return value  # not an event: copied as it is (it was a consumer's poison before too)
    if not isinstance(document, dict):
        return value
    resealed = await keys.seal_document(document)
    copied.sealed += SEALED.encode() in resealed
    return resealed
