"""Follows `c360.calls` and hands each ringing call to the switchboard of this process.

Like the near cache's change feed, it reads without a consumer group and from the end: a ring is
worth something only while the phone rings, so nothing is committed, a restart skips what rang
meanwhile, and there is nothing to retry or dead-letter (the door validated every record; an
unreadable one is logged and passed)."""

import asyncio
import contextlib

from services.projections.service_layer.switchboard import Ring, Switchboard
from shared.events import InvalidEvent, decode_event
from shared.events.calls import CallRinging
from shared.kafka import ensure_topics, make_reader, partitions_of
from shared.logging import get_logger
from shared.settings import Settings
from shared.topics import CALLS, Topics

log = get_logger(__name__)
RETRY_S = 2.0
POLL_MS = 500


def ring_of(value: bytes | None) -> Ring | None:
    try:
        event = decode_event(value or b"")
    except InvalidEvent as invalid:
        log.warning("unreadable ringing record passed", error=str(invalid))
        return None
    if not isinstance(event, CallRinging):
        return None
    d = event.data
    return Ring(event.id, d.call_id, d.agent_id, d.phone, d.line, event.time)


class RingingFeed:
    def __init__(self, settings: Settings, switchboard: Switchboard) -> None:
        self.settings = settings
        self.switchboard = switchboard
        self.topic = Topics.from_settings(settings).calls

    async def run(self) -> None:
        """From the first console on, follow for ever; on a broker failure, start over from
        the end."""
        await self.switchboard.wanted.wait()
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # no screen pops meanwhile; lookups still work
                log.warning("screen pop paused: cannot follow the calls topic", error=repr(exc))
                await asyncio.sleep(RETRY_S)
            finally:
                self.switchboard.following.clear()

    async def _follow(self) -> None:
        await ensure_topics(self.settings, [CALLS])
        consumer = make_reader(self.settings, fetch_max_wait_ms=POLL_MS)
        await consumer.start()
        try:
            partitions = await partitions_of(self.settings, [self.topic])
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for tp in partitions:  # resolve "the end" now, so no ring after this is missed
                await consumer.position(tp)
            self.switchboard.following.set()
            while True:
                batches = await consumer.getmany(timeout_ms=POLL_MS)
                for records in batches.values():
                    for record in records:
                        ring = ring_of(record.value)
                        if ring is not None:
                            self.switchboard.ring(ring)
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
