"""`python -m services.analytics.rebuild` (or `c360 rebuild-analytics`): fold the log from
offset 0 into a new generation of purchase histories, then make it the active one. The running
service switches to it between batches and rescores on its next recompute or fit.

    python -m services.analytics.rebuild              # rebuild and switch
    python -m services.analytics.rebuild --no-switch  # rebuild only
"""

import asyncio
from typing import Annotated

import typer
from aiokafka import TopicPartition
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressBar

from services.analytics.adapters.history_store import (
    GENERATIONS,
    activate_generation,
    next_generation,
)
from services.analytics.entrypoints.worker import history_runner
from shared.consuming.runner import Progress
from shared.kafka import make_producer
from shared.logging import configure_logging
from shared.mongo import database, make_client
from shared.settings import Settings, get_settings

console = Console()
app = typer.Typer(add_completion=False)


async def rebuild(settings: Settings, switch: bool, progress: Progress | None = None) -> str:
    """Fold the whole log into a new generation; activate it when `switch`. Returns its name."""
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        db = database(client, settings)
        generation = await next_generation(db)
        runner = history_runner(settings, db, generation, producer, scorer=None)
        await runner.run_to_end(progress)
        await db[GENERATIONS].update_one({"_id": generation}, {"$set": {"status": "built"}})
        if switch:
            await activate_generation(db, generation)
        return generation
    finally:
        await producer.stop()
        await client.close()


async def _rebuild_with_progress(switch: bool) -> str:
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with ProgressBar(*columns, console=console) as bar:
        task = bar.add_task("folding the log", total=None)

        def show(done: dict[TopicPartition, int], ends: dict[TopicPartition, int]) -> None:
            bar.update(task, completed=sum(done.values()), total=sum(ends.values()))

        return await rebuild(get_settings(), switch, show)


@app.command()
def main(
    switch: Annotated[bool, typer.Option(help="activate the new generation when caught up")] = True,
) -> None:
    """Rebuild the analytics purchase histories from the log."""
    configure_logging("WARNING", "console")
    generation = asyncio.run(_rebuild_with_progress(switch))
    console.print(f"purchase histories {generation} {'active' if switch else 'built (not active)'}")


if __name__ == "__main__":
    app()
