"""Readiness of a consumer: running, not paused, and not sitting on lag without progress."""

import pytest

from services.ops.health import Check
from shared.consuming import ConsumerHealth, NotReady


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def running(clock: Clock, stall_after_s: float = 60.0) -> ConsumerHealth:
    health = ConsumerHealth("projections", stall_after_s, clock)
    health.started()
    return health


async def test_lag_without_a_commit_for_longer_than_the_limit_is_a_stall() -> None:
    clock = Clock()
    health = running(clock)
    health.lag_is(120)
    clock.now += 59
    await health.check()
    clock.now += 2
    with pytest.raises(NotReady, match=r"stalled: 120 records behind .* for 61s \(limit 60s\)"):
        await health.check()
    health.progressed()
    await health.check()


async def test_no_lag_is_never_a_stall_however_long_it_is_quiet() -> None:
    clock = Clock()
    health = running(clock)
    health.lag_is(0)
    clock.now += 3600
    await health.check()


async def test_paused_and_stopped_consumers_are_not_ready_and_the_longest_outage_is_kept() -> None:
    clock = Clock()
    health = running(clock)
    health.block("store: ServerSelectionTimeoutError: no servers")
    with pytest.raises(NotReady, match="paused: store"):
        await health.check()
    clock.now += 30
    health.unblock()
    await health.check()
    assert health.longest_not_ready_s == 30
    health.stopped()
    with pytest.raises(NotReady, match="not consuming"):
        await health.check()


def test_c360_status_recognises_a_stalled_consumer_in_a_readiness_answer() -> None:
    clock = Clock()
    health = running(clock, stall_after_s=5)
    health.lag_is(7)
    clock.now += 10
    reason = health.reason()
    assert reason is not None
    check = Check("projector", "http://w/readyz", False, f"not ready (consumer: {reason})")
    assert check.stalled
    assert check.state == "stalled"
    assert Check("store", "mongodb://", False, "not reachable (X)").state == "not ready"
