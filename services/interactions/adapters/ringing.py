"""Writing ringing calls to `c360.calls`, keyed by the agent whose phone rings."""

from aiokafka import AIOKafkaProducer

from shared.events import STRUCTURED_HEADERS, encode_event
from shared.events.calls import CallRinging
from shared.position import Position


class KafkaRingingLog:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, event: CallRinging) -> Position:
        written = await self.producer.send_and_wait(
            self.topic,
            encode_event(event),
            key=event.data.agent_id.encode(),
            headers=STRUCTURED_HEADERS,
        )
        return Position(written.topic, written.partition, written.offset)
