"""Publishing events straight to the test's topics and running the projection in-process."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import httpx
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import ProjectionStore, active_generation, state_of
from services.projections.bootstrap import build_api
from services.projections.entrypoints.runner import run_worker
from shared.events import STRUCTURED_HEADERS, Envelope, encode_event
from shared.mongo import Document
from shared.position import Position
from shared.settings import Settings

T = TypeVar("T")
DEADLINE_S = 60.0


async def publish(
    producer: AIOKafkaProducer, topic: str, event: Envelope, key: str | None = None
) -> Position:
    """Produce one event keyed by its customer; returns its read-your-writes position."""
    meta = await producer.send_and_wait(
        topic,
        encode_event(event),
        key=(key or event.subject or "").encode() or None,
        headers=STRUCTURED_HEADERS,
    )
    return Position(topic, meta.partition, meta.offset)


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], what: str
) -> T:
    """Poll `probe` until `accept` holds, failing with the last value after DEADLINE_S."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = await probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {DEADLINE_S}s; last: {value!r}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def worker(
    settings: Settings, db: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_worker(settings, db, producer))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def store_of(db: AsyncDatabase[Document]) -> ProjectionStore:
    return ProjectionStore(db, await active_generation(db))


async def caught_up(store: ProjectionStore, positions: list[Position]) -> bool:
    """Every position is folded in (the checkpoints passed them)."""
    latest: dict[tuple[str, int], int] = {}
    for p in positions:
        latest[(p.topic, p.partition)] = max(latest.get((p.topic, p.partition), -1), p.offset)
    for (topic, partition), offset in latest.items():
        if await store.checkpoint(topic, partition) <= offset:
            return False
    return True


@contextlib.asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The query API in-process (lifespan included), over httpx."""
    app = build_api(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://projections") as client:
            yield client


async def dump(db: AsyncDatabase[Document], generation: str) -> dict[str, dict[str, Document]]:
    """A generation's documents by collection and `_id`, without the write counter (`revision`
    counts writes, which depend on batching) and without checkpoints; a customer's state as the
    fields it holds."""
    store = ProjectionStore(db, generation)
    out: dict[str, dict[str, Document]] = {}
    for coll in (store.customers, store.timeline, store.links, store.identities, store.names):
        docs = {str(d["_id"]): d async for d in coll.find({})}
        out[coll.name.removesuffix(f"_{generation}")] = docs
    out["customer_360"] = {
        i: state_of(d).model_dump(mode="json", exclude={"revision"})
        for i, d in out["customer_360"].items()
    }
    return out
