"""Readiness that tells the truth: a consumer is ready only while it is running, its store and
broker answer, its dead letters can be written, and it is not sitting on lag without progress."""

import time
from collections.abc import Callable

from shared.consuming import metrics

Clock = Callable[[], float]


class NotReady(Exception):
    """Why a consumer is not ready; `/readyz` shows the message."""


class ConsumerHealth:
    def __init__(self, consumer: str, stall_after_s: float, clock: Clock = time.monotonic) -> None:
        self.consumer = consumer
        self.stall_after_s = stall_after_s
        self.clock = clock
        self.running = False
        self.ever_started = False
        self.blocked: str | None = None  # a dependency or the dead-letter topic is down
        self.lag = 0
        self.last_progress = clock()
        self.not_ready_since: float | None = None
        self.longest_not_ready_s = 0.0

    def started(self) -> None:
        self.running = self.ever_started = True
        self.progressed()

    def stopped(self) -> None:
        self.running = False

    def progressed(self) -> None:
        """A commit, or nothing to do: the stall clock starts again."""
        self.last_progress = self.clock()
        metrics.LAST_PROGRESS.labels(self.consumer).set(time.time())

    def block(self, reason: str) -> None:
        self.blocked = reason

    def unblock(self) -> None:
        self.blocked = None

    def lag_is(self, records: int) -> None:
        self.lag = records
        if records == 0:
            self.progressed()

    def stalled_for(self) -> float:
        """Seconds with lag and no commit; 0 when the consumer is keeping up."""
        if self.lag <= 0:
            return 0.0
        return max(0.0, self.clock() - self.last_progress)

    def reason(self) -> str | None:
        """Why the consumer is not ready, or None; also keeps the not-ready durations (from
        its first start on: joining the group the first time is not an outage)."""
        reason = self._reason()
        metrics.READY.labels(self.consumer).set(0 if reason else 1)
        counted = reason is not None and (self.ever_started or self.blocked is not None)
        now = self.clock()
        if not counted and self.not_ready_since is not None:
            self.longest_not_ready_s = max(self.longest_not_ready_s, now - self.not_ready_since)
            self.not_ready_since = None
        elif counted and self.not_ready_since is None:
            self.not_ready_since = now
        return reason

    def _reason(self) -> str | None:
        if not self.running:
            return f"{self.consumer}: not consuming"
        if self.blocked is not None:
            return f"{self.consumer}: paused: {self.blocked}"
        stalled = self.stalled_for()
        if stalled > self.stall_after_s:
            return (
                f"{self.consumer}: stalled: {self.lag} records behind and nothing committed "
                f"for {stalled:.0f}s (limit {self.stall_after_s:g}s)"
            )
        return None

    async def check(self) -> None:
        """A readiness check for `shared.http.create_app`."""
        reason = self.reason()
        if reason is not None:
            raise NotReady(reason)
