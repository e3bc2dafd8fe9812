"""Which consoles in this process listen for which agent's ringing calls, and telling them.

Every query-API process follows `c360.calls` by itself, so a ring reaches the agent whichever
replica their console is connected to; the switchboard only fans out inside one process."""

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

# A console that stops reading loses its oldest rings, never the process's memory.
PENDING_PER_CONSOLE = 16


@dataclass(frozen=True)
class Ring:
    event_id: str
    call_id: str
    agent_id: str
    phone: str
    line: str | None
    time: datetime


class Switchboard:
    def __init__(self) -> None:
        self._consoles: dict[str, set[asyncio.Queue[Ring]]] = {}
        # The feed starts following only once a console listens (an API without consoles never
        # reads the calls topic), and a console hears "listening" only once the feed follows.
        self.wanted = asyncio.Event()
        self.following = asyncio.Event()

    @contextlib.contextmanager
    def listen(self, agent_id: str) -> Iterator["asyncio.Queue[Ring]"]:
        """A queue of the rings for `agent_id` while the caller holds it."""
        queue: asyncio.Queue[Ring] = asyncio.Queue(PENDING_PER_CONSOLE)
        self._consoles.setdefault(agent_id, set()).add(queue)
        self.wanted.set()
        try:
            yield queue
        finally:
            listening = self._consoles.get(agent_id, set())
            listening.discard(queue)
            if not listening:
                self._consoles.pop(agent_id, None)

    def ring(self, ring: Ring) -> int:
        """Tell every console of the ring's agent; how many were told."""
        consoles = self._consoles.get(ring.agent_id, set())
        for queue in consoles:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(ring)
        return len(consoles)

    def listening(self, agent_id: str) -> int:
        return len(self._consoles.get(agent_id, set()))
