"""Audit events published in batches, off the request path.

A request only appends to an in-memory queue; one task per process sends what has gathered as a
batch (acks=all), so the lookup path never waits for the broker. While the broker is down the
queue holds up to `capacity` events and the sender retries; beyond that, events are counted as
dropped (`c360_audit_dropped_total`) and logged, because a full queue must not stop the reads.
"""

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from aiokafka import AIOKafkaProducer
from prometheus_client import Counter

from shared.concurrency import within
from shared.events.audit import AccessAudited, AccessData
from shared.events.codec import STRUCTURED_HEADERS, InvalidEvent, decode_event, encode_event
from shared.events.types import EventType
from shared.logging import get_logger

log = get_logger(__name__)
AUDIT_SENT = Counter("c360_audit_sent_total", "Audit events acknowledged by the broker")
AUDIT_DROPPED = Counter("c360_audit_dropped_total", "Audit events dropped on a full queue")
RETRY_S = 1.0
FLUSH_ON_STOP_S = 10.0


class AuditTrail(Protocol):
    def record(self, data: AccessData) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def audit_event(data: AccessData, source: str) -> AccessAudited:
    return AccessAudited(
        id=f"audit-{uuid.uuid4().hex}",
        source=source,
        type=EventType.ACCESS_AUDITED,
        time=datetime.now(UTC),
        subject=data.customer_ids[0] if len(data.customer_ids) == 1 else None,
        data=data,
    )


class KafkaAuditTrail:
    """Queues audit events and publishes them to `topic` in batches from one background task."""

    def __init__(
        self,
        producer_factory: Callable[[], AIOKafkaProducer],
        topic: str,
        source: str,
        batch_size: int = 500,
        capacity: int = 50_000,
        linger_s: float = 0.25,
    ) -> None:
        self.producer_factory = producer_factory
        self.topic = topic
        self.source = source
        self.batch_size = batch_size
        # waiting a moment after the first event gathers a batch under load, so the broker
        # round trip is paid once per batch, not once per read
        self.linger_s = linger_s
        self.queue: asyncio.Queue[AccessAudited] = asyncio.Queue(maxsize=capacity)
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_hand: list[AccessAudited] = []

    def record(self, data: AccessData) -> None:
        try:
            self.queue.put_nowait(audit_event(data, self.source))
        except asyncio.QueueFull:
            AUDIT_DROPPED.inc()
            log.error("audit queue full; event dropped", actor=data.actor, action=data.action)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="audit-trail")

    async def stop(self) -> None:
        """Send what is queued (bounded by the producer's timeout), then stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await within(self._flush(), FLUSH_ON_STOP_S)
        if self._producer is not None:
            await self._producer.stop()

    async def _flush(self) -> None:
        if self._in_hand:
            await self._send(self._in_hand)
            self._in_hand = []
        while not self.queue.empty():
            await self._send(self._take_batch([]))

    async def _run(self) -> None:
        while True:
            # what is in hand stays in `_in_hand` until acknowledged, so a stop() that cancels
            # this task mid-batch still flushes it
            self._in_hand = [await self.queue.get()]
            await asyncio.sleep(self.linger_s)
            self._in_hand = self._take_batch(self._in_hand)
            while True:
                try:
                    await self._send(self._in_hand)
                    self._in_hand = []
                    break
                except Exception as exc:  # the broker is away: keep the batch and retry
                    log.warning("audit batch not sent; retrying", error=repr(exc)[:300])
                    await asyncio.sleep(RETRY_S)

    def _take_batch(self, batch: list[AccessAudited]) -> list[AccessAudited]:
        while len(batch) < self.batch_size and not self.queue.empty():
            batch.append(self.queue.get_nowait())
        return batch

    async def _send(self, batch: list[AccessAudited]) -> None:
        producer = await self._connected()
        pending = [
            await producer.send(
                self.topic,
                value=encode_event(event),
                key=event.data.actor.encode(),
                headers=STRUCTURED_HEADERS,
            )
            for event in batch
        ]
        await asyncio.gather(*pending)
        AUDIT_SENT.inc(len(batch))

    async def _connected(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self.producer_factory()
            try:
                await producer.start()
            except Exception:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer


def decode_audit(value: bytes) -> AccessAudited:
    """An audit event of any published version, raised to the current one."""
    event = decode_event(value)
    if not isinstance(event, AccessAudited):
        raise InvalidEvent("unknown_type", f"{event.type} is not an audit event")
    return event
