"""Rebuild: fold the whole log into a new generation, then make it the one reads use.

The new generation has its own consumer group, which starts at offset 0. When it has caught up,
it becomes active: the query API reads it within a second, and the workers move to its consumer
group (continuing from where the rebuild committed) within a few. The old generation stays until
it is dropped.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import (
    ProjectionStore,
    activate_generation,
    active_generation,
    generations,
    record_generation,
)
from services.projections.entrypoints.runner import make_runner
from shared.consuming.runner import Progress
from shared.mongo import Document
from shared.settings import Settings


class GenerationInUse(ValueError):
    pass


async def next_generation(db: AsyncDatabase[Document]) -> str:
    known = [int(str(d["_id"]).removeprefix("g")) for d in await generations(db)]
    current = int((await active_generation(db)).removeprefix("g"))
    return f"g{max([current, *known]) + 1}"


async def rebuild(
    settings: Settings,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    progress: Progress | None = None,
    switch: bool = True,
) -> str:
    """Fold the log from the start into a new generation; returns its name."""
    generation = await next_generation(db)
    await record_generation(db, generation, status="building", started_at=_now())
    runner = make_runner(settings, db, generation, producer, announce_segments=False)
    await runner.run_to_end(progress)
    await record_generation(db, generation, status="caught_up", caught_up_at=_now())
    if switch:
        await activate_generation(db, generation)
        await record_generation(db, generation, status="active", activated_at=_now())
    return generation


async def drop_generation(
    db: AsyncDatabase[Document], generation: str, say: Callable[[str], None]
) -> None:
    """Delete an old generation's collections (never the active one)."""
    if generation == await active_generation(db):
        raise GenerationInUse(f"{generation} is the active generation")
    for name in ProjectionStore(db, generation).collections():
        await db.drop_collection(name)
        say(f"dropped {name}")
    await record_generation(db, generation, status="dropped", dropped_at=_now())


def _now() -> datetime:
    return datetime.now(UTC)
