"""Publishing `c360.analytics.scored` events (key = customer id), acknowledged by the broker."""

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from shared.events import EventType, encode_event
from shared.events.analytics import AnalyticsScored, ScoredData, scored_event_id
from shared.events.codec import STRUCTURED_HEADERS

SOURCE = "services/analytics"


def scored_event(scores: ScoredData) -> AnalyticsScored:
    return AnalyticsScored(
        id=scored_event_id(scores.customer_id, scores.model_id, scores.rfm, scores.clv),
        source=SOURCE,
        type=EventType.ANALYTICS_SCORED,
        time=scores.scored_at,
        subject=scores.customer_id,
        data=scores,
    )


class KafkaScorePublisher:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, scores: Sequence[ScoredData]) -> None:
        sent = [
            await self.producer.send(
                self.topic,
                encode_event(scored_event(s)),
                key=s.customer_id.encode(),
                headers=STRUCTURED_HEADERS,
            )
            for s in scores
        ]
        await asyncio.gather(*sent)
