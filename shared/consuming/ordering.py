"""Reading some topics to their end before others (the notifier reads contacts first)."""

from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.consuming.handler import Record

Polled = dict[TopicPartition, list[Record]]


async def hold_back_until_drained(
    consumer: AIOKafkaConsumer, polled: Polled, first: Sequence[str]
) -> Polled:
    """Hold records of other topics back while `first` topics still have unread records.

    Separate logs have no order between them: without this, a backlog (a new deployment, a
    replay) could see a purchase before the contact that gives its customer a channel and
    consent. The held-back partitions resume once every `first` record that existed is read.
    """
    owned = consumer.assignment()
    leading = [tp for tp in owned if tp.topic in first]
    others = [tp for tp in owned if tp.topic not in first]
    if not leading or not (consumer.paused() or any(tp in polled for tp in others)):
        return polled
    ends = await consumer.end_offsets(leading)
    behind = [tp for tp in leading if await consumer.position(tp) < ends[tp]]
    if not behind:
        consumer.resume(*others)
        return polled
    for tp in others:
        if tp in polled:
            consumer.seek(tp, polled[tp][0].offset)
    consumer.pause(*others)
    return {tp: records for tp, records in polled.items() if tp.topic in first}
