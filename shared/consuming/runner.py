"""The one batch runner every c360 consumer runs in.

Loop: poll a batch -> apply it through the poison policy (`isolation`) -> flush its dead letters
-> commit its offsets. Nothing is committed that is not done: on an outage the runner seeks back
to the batch start, pauses and tries again. Partitions move only between batches (a rebalance
waits for the batch in hand), and with `per_customer` the range assignor gives partition n of
every topic to the same member, so one member owns all of a customer's records.
"""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError

from shared.concurrency import within
from shared.consuming import metrics
from shared.consuming.deadletters import DeadLetterUnavailable, QueuedDeadLetters
from shared.consuming.errors import DependencyDown, error_text, is_dependency_down
from shared.consuming.handler import BatchHandler, OwnsPartitions, Record
from shared.consuming.health import ConsumerHealth
from shared.consuming.isolation import Isolation, Probe, RetryPolicy
from shared.consuming.ordering import hold_back_until_drained
from shared.kafka import make_consumer
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger(__name__)
Polled = dict[TopicPartition, list[Record]]
Progress = Callable[[dict[TopicPartition, int], dict[TopicPartition, int]], None]
KeepGoing = Callable[[], Awaitable[bool]]
MONITOR_S = 1.0
POSITION_WAIT_S = 1.0
MAX_PAUSE_S = 5.0
# Records that may still arrive after `run_to_end` stops; the workers fold them right after.
CATCH_UP_SLACK = 500


@dataclass(frozen=True)
class RunnerOptions:
    name: str  # the consumer's name in metrics, logs, readiness and dead letters
    group_id: str
    topics: Sequence[str]
    max_records: int = 500
    poll_ms: int = 500
    per_customer: bool = True  # range assignor: partition n of every topic to one member
    drain_first: Sequence[str] = ()  # read these to their end before the other topics
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    stall_after_s: float = 60.0
    consumer_options: dict[str, Any] = field(default_factory=dict)


class BatchRunner:
    def __init__(
        self,
        settings: Settings,
        options: RunnerOptions,
        handler: BatchHandler,
        dead_letters: QueuedDeadLetters,
        on_assigned: Callable[[], None] | None = None,
        health: ConsumerHealth | None = None,
        probe: Probe | None = None,
    ) -> None:
        """`probe` (e.g. a store ping) is asked before a record is blamed: if it fails, the
        failure is an outage and nothing is dead-lettered."""
        self.settings, self.options, self.dead_letters = settings, options, dead_letters
        self.owner = handler if isinstance(handler, OwnsPartitions) else None
        self.name = options.name
        self.isolation = Isolation(
            self.name, handler, dead_letters, options.policy, probe, self._isolated_some
        )
        # a health that outlives this runner (a worker moving to a new generation) may be given
        self.health = health or ConsumerHealth(self.name, options.stall_after_s)
        self.on_assigned = on_assigned
        self.lock = asyncio.Lock()
        self.done: dict[TopicPartition, int] = {}  # next offset to do, per partition in hand
        # the log time of the last record done, per partition in hand
        self.done_at: dict[TopicPartition, datetime] = {}
        self.pause_s = options.policy.backoff_s
        self.consumer: AIOKafkaConsumer | None = None

    def assignment(self) -> set[TopicPartition]:
        return set(self.consumer.assignment()) if self.consumer is not None else set()

    async def applied_through(self) -> dict[int, datetime]:
        """For each partition number in hand, the time up to which its log, on every topic, is
        applied: now where nothing is waiting, else the log time of the last record done. A
        partition is left out while that is not known (not fetched yet, or behind with nothing
        done yet). Ask between batches (holding `lock`): a batch in hand is not applied yet."""
        consumer = self.consumer
        if consumer is None:
            return {}
        now = datetime.now(UTC)
        assigned = list(consumer.assignment())
        # not in any batch since it was assigned: its position is what is done (asked at once)
        idle = [tp for tp in assigned if tp not in self.done]
        positions = dict(zip(idle, await asyncio.gather(*map(self._position, idle)), strict=True))
        through: dict[int, datetime] = {}
        unknown: set[int] = set()
        for tp in assigned:
            end, done = consumer.highwater(tp), self.done.get(tp, positions.get(tp))
            at = None
            if end is not None and done is not None:
                at = now if done >= end else self.done_at.get(tp)
            if at is None:
                unknown.add(tp.partition)
            else:
                through[tp.partition] = min(at, through.get(tp.partition, at))
        return {partition: at for partition, at in through.items() if partition not in unknown}

    async def _position(self, tp: TopicPartition) -> int | None:
        """The consumer's position, or None while it is being reset (not waited for long)."""
        try:
            return await within(self._consumer().position(tp), POSITION_WAIT_S)
        except Exception:
            return None

    async def run(self, keep_going: KeepGoing | None = None) -> None:
        """Consume until `keep_going()` (asked between batches) says no, or for ever."""
        await self._start()
        monitor = asyncio.create_task(self._monitor(), name=f"{self.name}-lag")
        try:
            while keep_going is None or await keep_going():
                await self.step()
        finally:
            monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await monitor
            await self._stop()

    async def run_to_end(self, progress: Progress | None = None) -> None:
        """Consume until every partition reaches its end offset, then stop (a rebuild). Ends are
        re-read when reached, so records that arrived meanwhile count."""
        await self._start()
        consumer = self._consumer()
        try:
            while not consumer.assignment():
                await self.step()
            while True:
                ends = await consumer.end_offsets(list(consumer.assignment()))
                while not await self._reached(ends, progress):
                    await self.step()
                fresh = await consumer.end_offsets(list(ends))
                if sum(fresh[tp] - ends[tp] for tp in ends) <= CATCH_UP_SLACK:
                    return
        finally:
            await self._stop()

    async def step(self) -> None:
        """One poll and what follows it: the batch is done and committed, or rewound."""
        consumer = self._consumer()
        polled: Polled = await consumer.getmany(
            timeout_ms=self.options.poll_ms, max_records=self.options.max_records
        )
        if self.options.drain_first and polled:
            polled = await hold_back_until_drained(consumer, polled, self.options.drain_first)
        if not polled:
            await self._idle()
            return
        for tp, records in polled.items():
            self.done.setdefault(tp, records[0].offset)
        started = time.perf_counter()
        async with self.lock:
            done = await self._apply(polled)
        metrics.BATCH_SECONDS.labels(self.name).observe(time.perf_counter() - started)
        if not done:
            await asyncio.sleep(self.pause_s)
            self.pause_s = min(self.pause_s * 2, MAX_PAUSE_S)

    async def _apply(self, polled: Polled) -> bool:
        records = [r for rs in polled.values() for r in rs]
        try:
            isolated = await self.isolation.apply(records)
            await self.dead_letters.flush()
            await self._commit(polled)
        except DeadLetterUnavailable as exc:
            return self._rewind(polled, "deadletter_down", f"dead letters: {exc}")
        except DependencyDown as exc:
            return self._rewind(polled, "dependency_down", str(exc))
        except Exception as exc:
            if not is_dependency_down(exc):
                raise
            return self._rewind(polled, "dependency_down", error_text(exc))
        metrics.BATCHES.labels(self.name, "isolated" if isolated else "done").inc()
        self.health.unblock()
        self.pause_s = self.options.policy.backoff_s
        return True

    def _isolated_some(self) -> None:
        """Records of a failing batch are being applied while its poison is isolated: that is
        progress, not a stall, though nothing can be committed until the batch is done."""
        self.health.progressed()

    def _rewind(self, polled: Polled, outcome: str, reason: str) -> bool:
        """Not done: start the batch over after a pause; nothing is skipped or dead-lettered."""
        self.dead_letters.rollback()
        metrics.BATCHES.labels(self.name, outcome).inc()
        log.warning("consumer paused; batch will be retried", consumer=self.name, reason=reason)
        self.health.block(reason)
        consumer = self._consumer()
        assigned = consumer.assignment()
        for tp, records in polled.items():
            if tp in assigned:  # a partition lost to a rebalance is redone by its new owner
                consumer.seek(tp, records[0].offset)
        return False

    async def _commit(self, polled: Polled) -> None:
        consumer = self._consumer()
        offsets = {tp: rs[-1].offset + 1 for tp, rs in polled.items()}
        try:
            await consumer.commit(offsets)
        except CommitFailedError:  # rebalanced meanwhile; the new owner redoes it harmlessly
            log.warning("commit failed after a rebalance", consumer=self.name)
            return
        for tp, records in polled.items():
            self.done[tp] = offsets[tp]
            self.done_at[tp] = datetime.fromtimestamp(records[-1].timestamp / 1000, UTC)
            metrics.COMMITTED_RECORDS.labels(self.name, tp.topic).inc(len(records))
        self.health.progressed()

    async def _idle(self) -> None:
        """Nothing polled: what is in hand is done, so positions are the truth."""
        consumer = self._consumer()
        for tp in consumer.assignment():
            # position() waits while a partition's offset is being reset: never hold the loop
            with contextlib.suppress(Exception):
                self.done[tp] = await within(consumer.position(tp), POSITION_WAIT_S)
        self._report_lag()

    async def _monitor(self) -> None:
        """The lag gauge and the stall clock, kept current while a batch runs."""
        while True:
            await asyncio.sleep(MONITOR_S)
            self._report_lag()
            self.health.reason()

    def _report_lag(self) -> None:
        consumer = self.consumer
        if consumer is None:
            return
        total = 0
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is None or tp not in self.done:
                continue
            lag = max(end - self.done[tp], 0)
            metrics.LAG.labels(self.name, tp.topic, str(tp.partition)).set(lag)
            total += lag
        self.health.lag_is(total)

    async def _reached(self, ends: dict[TopicPartition, int], progress: Progress | None) -> bool:
        consumer = self._consumer()
        done = {tp: await consumer.position(tp) for tp in ends}
        if progress is not None:
            progress(done, ends)
        return all(done[tp] >= end for tp, end in ends.items())

    async def _start(self) -> None:
        """Join the group; while the broker does not answer, wait (not ready) and try again."""
        while True:
            consumer = self._make_consumer()
            try:
                await consumer.start()
            except Exception as exc:
                await consumer.stop()
                self.health.block(f"broker: {error_text(exc, 300)}")
                log.warning("consumer cannot start; retrying", consumer=self.name, error=repr(exc))
                await asyncio.sleep(MAX_PAUSE_S)
                continue
            self.consumer = consumer
            self.health.unblock()
            self.health.started()
            return

    async def _stop(self) -> None:
        self.health.stopped()
        consumer, self.consumer = self.consumer, None
        if consumer is not None:
            await consumer.stop()

    def _make_consumer(self) -> AIOKafkaConsumer:
        options: dict[str, Any] = {
            "max_poll_records": self.options.max_records,
            "session_timeout_ms": 10_000,
            "heartbeat_interval_ms": 1_000,
        }
        if self.options.per_customer:
            options["partition_assignment_strategy"] = (RangePartitionAssignor,)
        options.update(self.options.consumer_options)
        consumer = make_consumer(self.settings, self.options.group_id, **options)
        consumer.subscribe(list(self.options.topics), listener=OneBatchAtATime(self))
        return consumer

    def _consumer(self) -> AIOKafkaConsumer:
        if self.consumer is None:
            raise RuntimeError(f"{self.name} is not running")
        return self.consumer


class OneBatchAtATime(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions are handed over only between batches."""

    def __init__(self, runner: BatchRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.runner.lock:  # wait for the batch in hand to be done and committed
            for tp in revoked:
                self.runner.done.pop(tp, None)
                self.runner.done_at.pop(tp, None)
            if self.runner.owner is not None:
                self.runner.owner.partitions_revoked(revoked)
        # until the new assignment arrives this member owns nothing (eager rebalancing)
        metrics.ASSIGNED_PARTITIONS.labels(self.runner.name).set(0)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        metrics.ASSIGNED_PARTITIONS.labels(self.runner.name).set(len(assigned))
        if self.runner.owner is not None:
            self.runner.owner.partitions_assigned(assigned)
        if self.runner.on_assigned is not None:
            self.runner.on_assigned()
