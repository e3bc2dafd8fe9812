"""Writing to Kafka: accepted events to `c360.interactions`, rejected records to the dead letter.

Every send is issued before any acknowledgement is awaited, so a batch travels in few produce
requests; the producer is `shared.kafka.make_producer`'s (acks=all, idempotent), so what is
acknowledged is on every in-sync replica exactly once.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from services.interactions import metrics
from services.interactions.domain.acceptance import Stamped
from services.interactions.domain.rejection import Rejection
from shared.events import STRUCTURED_HEADERS
from shared.kafka import MAX_RECORD_BYTES, dead_letter_headers
from shared.position import Position

# Room for headers and framing when a rejected record is copied to the dead letter.
MAX_DEAD_LETTER_VALUE = MAX_RECORD_BYTES - 64 * 1024


class KafkaInteractionLog:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, records: Sequence[Stamped]) -> list[Position | Exception]:
        """Send all (keyed by customer id, in order), then await every acknowledgement."""
        pending = [
            await self.producer.send(
                self.topic, r.value, key=r.customer_id.encode(), headers=STRUCTURED_HEADERS
            )
            for r in records
        ]
        acks = await asyncio.gather(*pending, return_exceptions=True)
        return [
            _exc(a) if isinstance(a, BaseException) else Position(a.topic, a.partition, a.offset)
            for a in acks
        ]


def _exc(error: BaseException) -> Exception:
    return error if isinstance(error, Exception) else RuntimeError(repr(error))


@dataclass(frozen=True)
class RejectedRecord:
    """An ingress record that cannot be accepted, and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    rejection: Rejection


class DeadLetters:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def send(self, records: Sequence[RejectedRecord]) -> None:
        """Copy each record (original key, bytes and headers) with the reason in headers; returns
        once the broker acknowledged all of them, and raises if it did not."""
        pending = [await self.producer.send(self.topic, **_dead_letter(r)) for r in records]
        await asyncio.gather(*pending)
        for record in records:
            metrics.DEAD_LETTERED.labels(record.rejection.kind).inc()


def _dead_letter(record: RejectedRecord) -> dict[str, object]:
    value = record.value
    headers = [
        *record.headers,
        *dead_letter_headers(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            kind=record.rejection.kind,
            message=record.rejection.summary(),
        ),
    ]
    if value is not None and len(value) > MAX_DEAD_LETTER_VALUE:
        # The broker would refuse a copy this large; the original stays at its offset.
        headers.append(("c360-original-size", str(len(value)).encode()))
        value = value[:MAX_DEAD_LETTER_VALUE]
    return {"key": record.key, "value": value, "headers": headers}
