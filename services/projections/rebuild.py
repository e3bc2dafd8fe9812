"""`python -m services.projections.rebuild`: fold the log from offset 0 into a new generation of
collections, show progress, and switch reads to it once it has caught up.

    python -m services.projections.rebuild              # rebuild and switch
    python -m services.projections.rebuild --no-switch  # rebuild only (compare, then activate)
    python -m services.projections.rebuild --drop g1    # delete an old generation
    python -m services.projections.rebuild --list       # generations and their status
"""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from services.projections.adapters.store import active_generation, generations
from services.projections.service_layer.generations import drop_generation, rebuild
from shared.kafka import make_producer
from shared.logging import configure_logging
from shared.mongo import database, make_client
from shared.settings import get_settings

console = Console()
app = typer.Typer(add_completion=False)


async def _rebuild(switch: bool) -> None:
    settings = get_settings()
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("folding the log", total=None)

            def show(done: dict[object, int], ends: dict[object, int]) -> None:
                bar.update(task, completed=sum(done.values()), total=sum(ends.values()))

            db = database(client, settings)
            generation = await rebuild(settings, db, producer, show, switch)
        state = "active" if switch else "built (not active)"
        console.print(f"generation [bold]{generation}[/] {state}")
    finally:
        await producer.stop()
        await client.close()


async def _list() -> None:
    settings = get_settings()
    client = make_client(settings)
    try:
        db = database(client, settings)
        console.print(f"active: [bold]{await active_generation(db)}[/]")
        for doc in await generations(db):
            console.print(f"  {doc['_id']}: {doc.get('status')}")
    finally:
        await client.close()


async def _drop(generation: str) -> None:
    settings = get_settings()
    client = make_client(settings)
    try:
        await drop_generation(database(client, settings), generation, console.print)
    finally:
        await client.close()


@app.command()
def main(
    switch: Annotated[bool, typer.Option(help="activate the new generation when caught up")] = True,
    drop: Annotated[str | None, typer.Option(help="drop this old generation instead")] = None,
    list_: Annotated[bool, typer.Option("--list", help="list generations")] = False,
) -> None:
    """Rebuild the customer-360 projection from the log."""
    configure_logging("WARNING", "console")
    if list_:
        asyncio.run(_list())
    elif drop:
        asyncio.run(_drop(drop))
    else:
        asyncio.run(_rebuild(switch))


if __name__ == "__main__":
    app()
