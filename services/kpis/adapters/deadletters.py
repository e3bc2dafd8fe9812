"""Records the KPI worker cannot read go to `c360.deadletter` with the reason in headers."""

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from services.kpis.adapters.records import Unreadable
from shared.kafka import dead_letter_headers


class KafkaDeadLetters:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def send(self, unreadable: Sequence[Unreadable]) -> None:
        """Returns once the broker acknowledged every copy; raises if it did not."""
        pending = []
        for bad in unreadable:
            r = bad.record
            headers = [
                *(r.headers or ()),
                *dead_letter_headers(
                    topic=r.topic,
                    partition=r.partition,
                    offset=r.offset,
                    kind=bad.kind,
                    message=bad.message,
                ),
            ]
            pending.append(
                await self.producer.send(self.topic, r.value, key=r.key, headers=headers)
            )
        await asyncio.gather(*pending)
