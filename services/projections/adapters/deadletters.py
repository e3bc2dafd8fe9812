"""Rejected records go to `c360.deadletter`, unchanged, with where they came from and why."""

import asyncio

from aiokafka import AIOKafkaProducer

from services.projections import metrics
from services.projections.service_layer.ports import RawRecord
from shared.kafka import dead_letter_headers


class DeadLetters:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic
        self.pending: list[asyncio.Future[object]] = []

    async def reject(self, record: RawRecord, kind: str, reason: str) -> None:
        """Queue the record; `flush` makes sure the broker has it before offsets move on."""
        headers = dead_letter_headers(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            kind=kind,
            message=reason,
        )
        future = await self.producer.send(self.topic, record.value, key=record.key, headers=headers)
        self.pending.append(future)
        metrics.DEAD_LETTERED.labels(kind).inc()

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        await asyncio.gather(*pending)
