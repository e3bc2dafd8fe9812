"""Writing accepted events to `c360.interactions`, and marketing spend to `c360.marketing`
(rejected ones go through shared.consuming).

Every send is issued before any acknowledgement is awaited, so a batch travels in few produce
requests; the producer is `shared.kafka.make_producer`'s (acks=all, idempotent), so what is
acknowledged is on every in-sync replica exactly once.
"""

import asyncio
from collections.abc import Sequence

import orjson
from aiokafka import AIOKafkaProducer

from services.interactions.domain.acceptance import Stamped
from shared.events import STRUCTURED_HEADERS
from shared.kafka import MAX_RECORD_BYTES
from shared.position import Position
from shared.privacy.keyring import Keyring

# Room for headers and framing when a rejected record is copied to the dead letter.
MAX_DEAD_LETTER_VALUE = MAX_RECORD_BYTES - 64 * 1024


class KafkaInteractionLog:
    def __init__(
        self, producer: AIOKafkaProducer, topic: str, marketing_topic: str, keyring: Keyring
    ) -> None:
        self.producer = producer
        self.keyring = keyring
        self.topic = topic
        self.marketing_topic = marketing_topic

    async def publish(self, records: Sequence[Stamped]) -> list[Position | Exception]:
        """Send all (touchpoints keyed by customer id, marketing spend by channel, in order),
        then await every acknowledgement."""
        customers = [r.key for r in records if r.about_a_customer]
        await self.keyring.prepare(customers, create=True)  # one read for the batch's keys
        pending = [
            await self.producer.send(
                self.topic if r.about_a_customer else self.marketing_topic,
                await self._sealed(r),
                key=r.key.encode(),
                headers=STRUCTURED_HEADERS,
            )
            for r in records
        ]
        acks = await asyncio.gather(*pending, return_exceptions=True)
        return [
            _exc(a) if isinstance(a, BaseException) else Position(a.topic, a.partition, a.offset)
            for a in acks
        ]

    async def _sealed(self, record: Stamped) -> bytes:
        """A touchpoint's personal fields are sealed with its customer's key."""
        if not record.about_a_customer:
            return record.value
        return await self.keyring.seal_document(orjson.loads(record.value))


def _exc(error: BaseException) -> Exception:
    return error if isinstance(error, Exception) else RuntimeError(repr(error))
