"""Reading a part of the log once, start to end, outside any consumer group: for scans, copies
and inspection (never for processing, which belongs to the batch runner)."""

from collections.abc import AsyncIterator, Mapping

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from shared.kafka import make_reader
from shared.settings import Settings

BATCH = 500


async def every_record(
    settings: Settings,
    partitions: list[TopicPartition],
    starts: Mapping[TopicPartition, int] | None = None,
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """Every record of `partitions`, one partition after the other in offset order, from the
    beginning (or the offset in `starts`) to the end offsets seen at the start (records written
    meanwhile are not read)."""
    if not partitions:
        return
    consumer = make_reader(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        for tp, offset in (starts or {}).items():
            consumer.seek(tp, offset)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1_000, max_records=BATCH)
                for record in batch.get(tp, []):
                    if record.offset < ends[tp]:
                        yield record
    finally:
        await consumer.stop()


async def last_records(
    settings: Settings, partitions: list[TopicPartition]
) -> dict[TopicPartition, ConsumerRecord[bytes, bytes] | None]:
    """The newest record of each partition (None for an empty one)."""
    if not partitions:
        return {}
    consumer = make_reader(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        firsts = await consumer.beginning_offsets(partitions)
        last: dict[TopicPartition, ConsumerRecord[bytes, bytes] | None] = {}
        for tp in partitions:
            last[tp] = None
            if ends[tp] > firsts[tp]:
                consumer.seek(tp, ends[tp] - 1)
                while await consumer.position(tp) < ends[tp]:
                    batch = await consumer.getmany(tp, timeout_ms=1_000, max_records=1)
                    last[tp] = next(iter(batch.get(tp, [])), last[tp])
                if last[tp] is None:  # a transaction marker: no record to read there
                    raise ValueError(f"no record at the end of {tp.topic}[{tp.partition}]")
        return last
    finally:
        await consumer.stop()
