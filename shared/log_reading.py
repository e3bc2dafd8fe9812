"""Reading a part of the log once, start to end, outside any consumer group: for scans, copies
and inspection (never for processing, which belongs to the batch runner)."""

from collections.abc import AsyncIterator

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from shared.kafka import make_reader
from shared.settings import Settings

BATCH = 500


async def every_record(
    settings: Settings, partitions: list[TopicPartition]
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """Every record of `partitions`, one partition after the other in offset order, from the
    beginning to the end offsets seen at the start (records written meanwhile are not read)."""
    if not partitions:
        return
    consumer = make_reader(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1_000, max_records=BATCH)
                for record in batch.get(tp, []):
                    if record.offset < ends[tp]:
                        yield record
    finally:
        await consumer.stop()
