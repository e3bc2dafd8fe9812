"""`c360 keys rotate-kek`: re-wrap every customer's data key under the current KEK.

Rotation: put the new KEK in `C360_DATA_KEK` with a new `C360_DATA_KEK_ID`, move the old one to
`C360_DATA_KEK_RETIRED` (`{"old-id": "base64..."}`), restart the services, run this command,
then drop the old KEK from the retired set. Data keys themselves do not change, so nothing in
the log is re-encrypted.
"""

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from services.ops.settings import ops_settings
from shared.mongo import make_client
from shared.privacy.local import key_vault
from shared.settings import Settings

keys = typer.Typer(help="Customers' data keys: rotate the key-encryption key.")
console = Console()


async def rotate(settings: Settings) -> tuple[int, int]:
    client = make_client(settings)
    try:
        return await key_vault(settings, client[settings.database]).rotate()
    finally:
        await client.close()


@keys.command("rotate-kek")
def rotate_kek(
    database: Annotated[
        str | None, typer.Option(help="the database (default C360_DATABASE)")
    ] = None,
) -> None:
    """Re-wrap every live data key under C360_DATA_KEK (the old KEK must be in
    C360_DATA_KEK_RETIRED)."""
    settings = ops_settings()
    if database:
        settings = settings.model_copy(update={"database": database})
    try:
        rewrapped, current = asyncio.run(rotate(settings))
    except Exception as exc:  # one readable line for the operator
        console.print(f"[red]rotation failed: {exc}[/]")
        raise typer.Exit(1) from exc
    console.print(
        f"re-wrapped {rewrapped} data keys under KEK {settings.data_kek_id!r};"
        f" {current} were already under it"
    )
