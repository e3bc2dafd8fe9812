"""Small in-memory fakes of the projector's ports, and a driver that runs the real `Projector`
over them, so properties can redeliver, re-batch and crash between writes at will."""

import asyncio
from collections.abc import Collection, Mapping, Sequence

from aiokafka.structs import ConsumerRecord

from services.projections.domain.effects import Effect
from services.projections.domain.state import CustomerState
from services.projections.domain.timeline import Entry, bucket_id, head_bucket
from services.projections.service_layer.ports import PartWrites
from services.projections.service_layer.projector import Projector
from shared.concurrency import together
from shared.consuming import Record
from shared.events import Event, encode_event
from shared.events.codec import STRUCTURED_HEADERS
from shared.mongo import VersionConflict
from shared.topics import Topics


class FakeDocuments:
    """`ProjectionDocuments` in dictionaries: states by customer id, buckets by their `_id`.
    The batch calls go through per-customer ones (`load_state`, `save_buckets`, `save_state`),
    which a test overrides to count or fail one customer's reads and writes."""

    def __init__(self) -> None:
        self.states: dict[str, CustomerState] = {}
        self.buckets: dict[str, list[Entry]] = {}
        self.effects: list[Effect] = []
        self.checkpoints: dict[tuple[str, int], int] = {}

    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None:
        state = self.states.get(customer_id)
        return state if state is None or head else state.model_copy(update={"head": ()})

    async def load_parts(
        self, customer_id: str, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], list[Entry]]:
        return {(d, n): list(self.buckets.get(bucket_id(customer_id, d, n), [])) for d, n in keys}

    async def save_buckets(
        self,
        customer_id: str,
        parts: dict[tuple[str, int], list[Entry]],
        fresh: Collection[tuple[str, int]] = (),
    ) -> None:
        for (day, n), entries in parts.items():
            self.buckets[bucket_id(customer_id, day, n)] = list(entries)

    async def load_states(self, customer_ids: Collection[str]) -> dict[str, CustomerState]:
        found = {c: await self.load_state(c) for c in customer_ids}
        return {c: s for c, s in found.items() if s is not None}

    async def load_parts_of(
        self, wanted: Mapping[str, Sequence[tuple[str, int]]]
    ) -> dict[str, dict[tuple[str, int], list[Entry]]]:
        return {c: await self.load_parts(c, keys) for c, keys in wanted.items()}

    async def save_parts(self, writes: Mapping[str, PartWrites]) -> None:
        """Each customer's parts concurrently, every one finished before this returns."""
        await together(self.save_buckets(c, w.parts, w.fresh) for c, w in writes.items())

    async def save_states(
        self, states: Sequence[tuple[CustomerState, int]]
    ) -> tuple[list[CustomerState], dict[str, int]]:
        saved: list[CustomerState] = []
        unwritten: dict[str, int] = {}
        for state, revision in states:
            try:
                saved.append(await self.save_state(state, revision))
            except VersionConflict:
                unwritten[state.customer_id] = revision
        return saved, unwritten

    async def save_state(self, state: CustomerState, expected_revision: int) -> CustomerState:
        stored = self.states.get(state.customer_id)
        if (stored.revision if stored else 0) != expected_revision:
            raise VersionConflict(state.customer_id, expected_revision)
        saved = state.model_copy(update={"revision": expected_revision + 1})
        self.states[state.customer_id] = saved
        return saved

    async def apply_effects(self, effects: Sequence[Effect]) -> None:
        self.effects += effects

    async def save_checkpoints(self, next_offsets: dict[tuple[str, int], int]) -> None:
        for tp, offset in next_offsets.items():
            self.checkpoints[tp] = max(offset, self.checkpoints.get(tp, 0))


class FakeDeadLetters:
    """`DeadLetterSink`: what the projector refused, and why."""

    def __init__(self) -> None:
        self.rejected: list[tuple[Record, str]] = []

    async def reject(self, record: Record, kind: str, message: str) -> None:
        self.rejected.append((record, kind))


class Crash(Exception):
    """The process died between the timeline writes and the state write."""


class Projection(FakeDocuments):
    """The real projector folding into the fakes, one `deliver` per consumed batch."""

    def __init__(self) -> None:
        super().__init__()
        self.dead_letters = FakeDeadLetters()

    def deliver(self, records: Sequence[Record], crash_before_state: bool = False) -> None:
        """One batch; with `crash_before_state` the buckets are written and the states are not
        (the batch fails, as when the process is killed there)."""

        async def crash() -> None:
            raise Crash

        async def handle() -> None:
            # A projector per batch, as after a restart: it keeps nothing between batches.
            projector = Projector(
                self, self.dead_letters, Topics(), crash if crash_before_state else None
            )
            await projector.handle(records)

        try:
            asyncio.run(handle())
        except Crash:
            assert crash_before_state

    def entries(self, customer_id: str) -> list[Entry]:
        """Every timeline entry of the customer: the separate parts and the inline head."""
        state = self.states[customer_id]
        head = head_bucket(state.timeline)
        skip = bucket_id(customer_id, *head) if head else None
        stored = [
            e
            for k, es in self.buckets.items()
            if k.startswith(f"{customer_id}|") and k != skip
            for e in es
        ]
        return stored + list(state.head)

    def timeline_ids(self, customer_id: str) -> list[str]:
        entries = self.entries(customer_id)
        return [e.id for e in sorted(entries, key=lambda e: e.key, reverse=True)]


def records(
    topic: str, events: Sequence[Event], partition: int = 0, first: int = 0
) -> list[Record]:
    """Events as consecutive records of one topic-partition (`interactions`, `contacts`...)."""
    return [
        ConsumerRecord(
            topic,
            partition,
            first + n,
            0,  # the broker's timestamp
            0,
            (e.subject or "").encode(),
            encode_event(e),
            None,
            0,
            0,
            list(STRUCTURED_HEADERS),
        )
        for n, e in enumerate(events)
    ]
