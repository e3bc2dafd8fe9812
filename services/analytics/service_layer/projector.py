"""The batch handler: folds purchases, refunds, merges and erasures into purchase histories,
then rescores the customers it touched.

It plugs into the shared batch runner (`handle(records)`; raising fails the batch). Records of
other types are not this projection's business and are passed over without a write.
"""

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeAlias

from aiokafka.structs import ConsumerRecord

from services.analytics.domain.history import PurchaseHistory, apply
from services.analytics.service_layer.ports import HistoryStore
from services.analytics.service_layer.scoring import Scorer
from shared.concurrency import together
from shared.events import Event, EventType, decode_kafka_record
from shared.events.contacts import ContactEvent

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
FOLDED_TYPES = frozenset(
    {
        EventType.PURCHASE,
        EventType.REFUND,
        EventType.CONTACT_MERGED,
        EventType.CONTACT_UNMERGED,
        EventType.CONTACT_ERASED,
    }
)
Positioned = tuple[str, int, int, Event]  # catalog topic, partition, offset, event


def customer_of(event: Event, key: bytes | None) -> str | None:
    """The subject, else the id in the payload, else the record key."""
    if event.subject:
        return event.subject
    data = event.data
    if isinstance(event, ContactEvent):
        return getattr(data, "survivor_id", None) or getattr(data, "customer_id", None)
    ref = getattr(data, "customer", None)
    if ref is not None and ref.customer_id:
        return str(ref.customer_id)
    return key.decode("utf-8", "replace") if key else None


class HistoryProjector:
    def __init__(
        self, histories: HistoryStore, scorer: Scorer | None, topic_prefix: str, concurrency: int
    ) -> None:
        self.histories = histories
        self.scorer = scorer  # None while rebuilding: scores follow once the rebuild is active
        self.topic_prefix = topic_prefix
        self.limit = asyncio.Semaphore(concurrency)

    async def handle(self, records: Sequence[Record]) -> None:
        by_customer: dict[str, list[Positioned]] = defaultdict(list)
        for record in records:
            event = decode_kafka_record(record.value, record.headers or ())
            if event.type not in FOLDED_TYPES:
                continue
            customer_id = customer_of(event, record.key)
            if customer_id is None:
                continue  # the door refuses events without a customer; nothing to fold
            topic = record.topic.removeprefix(self.topic_prefix)
            by_customer[customer_id].append((topic, record.partition, record.offset, event))
        await together(self._fold(cid, rs) for cid, rs in by_customer.items())
        if self.scorer is not None and by_customer:
            await self.scorer.rescore(list(by_customer))

    async def _fold(self, customer_id: str, records: list[Positioned]) -> None:
        async with self.limit:
            stored = (await self.histories.load([customer_id])).get(customer_id)
            history = stored or PurchaseHistory(customer_id)
            folded = history
            for topic, partition, offset, event in records:
                folded = apply(folded, topic, partition, offset, event)
            if folded != history:
                await self.histories.save(replace(folded, version=history.version))
