"""`c360`: the operator's command line. `c360 --help` lists the commands."""

import asyncio

import typer
from rich.console import Console

from shared.kafka import ensure_topics
from shared.settings import get_settings
from shared.topics import CATALOG, Topics

app = typer.Typer(
    help="Operate c360: topics, health, lag, dead letters, rebuilds.", no_args_is_help=True
)
console = Console()


@app.callback()
def main() -> None:
    """Settings come from C360_* environment variables (see the README)."""


@app.command()
def topics() -> None:
    """Create the catalog's topics that are missing, then list the catalog."""
    settings = get_settings()
    try:
        created = asyncio.run(ensure_topics(settings))
    except Exception as exc:  # any broker failure becomes one readable line, not a traceback
        console.print(f"[red]cannot reach Kafka at {settings.kafka_bootstrap}: {exc}[/]")
        raise typer.Exit(1) from exc
    names = Topics.from_settings(settings)
    for spec in CATALOG:
        mark = "created" if names.name(spec) in created else "exists"
        console.print(f"  {names.name(spec):<28} {mark:<8} key: {spec.key}")


if __name__ == "__main__":
    app()
