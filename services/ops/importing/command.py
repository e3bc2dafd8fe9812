"""`c360 import FILE`: load a history file through the interactions batch endpoint."""

import asyncio
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from services.ops.importing.lines import Line, csv_lines, json_lines
from services.ops.importing.mapping import DEFAULT_SOURCE, MappingError
from services.ops.importing.sending import Importer, Tally
from services.ops.importing.settings import load_mapping
from shared.auth.client import TokenRefused, ops_token
from shared.auth.roles import Role
from shared.settings import Settings

console = Console()
SHOWN_REJECTIONS = 50


def import_history(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="the history file")],
    format: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: from the file name)")
    ] = None,
    columns: Annotated[
        str | None, typer.Option("--map", help="CSV: FIELD=COLUMN,... (see the README)")
    ] = None,
    mapping_file: Annotated[
        Path | None, typer.Option("--mapping", exists=True, help="CSV: a TOML mapping file")
    ] = None,
    currency: Annotated[str | None, typer.Option(help="CSV: ISO 4217 code [USD]")] = None,
    date_format: Annotated[
        str | None, typer.Option(help="CSV: strptime format, or iso [iso]")
    ] = None,
    timezone: Annotated[str | None, typer.Option(help="CSV: for times without one [UTC]")] = None,
    amount_units: Annotated[
        str | None, typer.Option(help="CSV: major (29.33) or minor (2933) [major]")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="CSV: one character, or `whitespace` [,]")
    ] = None,
    header: Annotated[
        bool | None, typer.Option("--header/--no-header", help="CSV: first line names columns")
    ] = None,
    source: Annotated[str | None, typer.Option(help="CloudEvents source [c360/import]")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="events per request")] = 500,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="requests in flight")] = 4,
) -> None:
    """Import history (JSON Lines of CloudEvents, or CSV purchases). Safe to run again: a rerun
    or a resumed run adds nothing twice. Historical events notify nobody."""
    content = file.read_bytes()
    kind = format or ("jsonl" if file.suffix in (".jsonl", ".json", ".ndjson") else "csv")
    try:
        lines = read_lines(
            content,
            kind,
            mapping_file,
            columns,
            header=header,
            currency=currency,
            date_format=date_format,
            timezone=timezone,
            amount_units=amount_units,
            delimiter=delimiter,
            source=source,
        )
    except MappingError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    settings = Settings()
    url = settings.interactions_url
    try:  # history is posted as the ops client (on a local stack: the demo `ops` user)
        bearer = ops_token(settings, Role.OPS) if settings.auth_enabled else ""
    except TokenRefused as exc:
        console.print(f"[red]could not sign in: {exc}[/]")
        raise typer.Exit(1) from exc
    try:
        tally = asyncio.run(send(lines, url, batch_size, concurrency, bearer))
    except (httpx.HTTPError, OSError) as exc:
        console.print(f"[red]importing through {url} failed: {exc}; run again to resume[/]")
        raise typer.Exit(1) from exc
    report(tally)
    if tally.rejected:
        raise typer.Exit(1)


def read_lines(
    content: bytes, kind: str, mapping_file: Path | None, columns: str | None, **options: object
) -> list[Line]:
    if kind == "jsonl":
        source = options.get("source")
        return list(json_lines(content, source if isinstance(source, str) else DEFAULT_SOURCE))
    if kind != "csv":
        raise MappingError(f"--format is jsonl or csv, not {kind!r}")
    return list(csv_lines(content, load_mapping(mapping_file, columns, **options)))


async def send(
    lines: list[Line], url: str, batch_size: int, concurrency: int, bearer: str = ""
) -> Tally:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("importing", total=len(lines), rate="")

        def advance(done: int) -> None:
            progress.advance(task, done)
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed:,.0f} lines/s" if speed else "")

        timeout = httpx.Timeout(120, connect=10)
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        async with httpx.AsyncClient(timeout=timeout, headers=headers) as client:
            return await Importer(client, url, concurrency).run(lines, batch_size, advance)


def report(tally: Tally) -> None:
    fresh = tally.accepted - tally.replayed
    console.print(
        f"{tally.accepted} accepted ({fresh} new, {tally.replayed} already imported), "
        f"{len(tally.rejected)} rejected"
    )
    for number, why in sorted(tally.rejected)[:SHOWN_REJECTIONS]:
        console.print(f"  line {number}: {why}", highlight=False, markup=False)
    if len(tally.rejected) > SHOWN_REJECTIONS:
        console.print(f"  ... and {len(tally.rejected) - SHOWN_REJECTIONS} more")
