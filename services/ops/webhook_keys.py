"""`c360 webhook-key`: show and rotate a team's webhook signing key through the notifier's admin
API (so every rotation is an audited call, by the ops CLI's own identity)."""

from typing import Annotated, Any

import typer
from rich.console import Console

from services.ops.service_calls import call_service
from services.ops.settings import ops_settings
from shared.auth.roles import Role

webhook_key = typer.Typer(help="A team's webhook signing key: show, rotate, finish a rotation.")
console = Console()
TeamArg = Annotated[str, typer.Argument(help="a team of the notifier's rules file")]


def call(method: str, path: str, **params: Any) -> dict[str, Any]:
    settings = ops_settings()
    return call_service(settings, settings.notifier_url, Role.OPS, method, path, **params)


def show_keys(keys: dict[str, Any]) -> None:
    console.print(f"team {keys['team']}: signing with key {keys['signing_key_id']}")
    if keys["previous_key_id"]:
        console.print(
            f"  key {keys['previous_key_id']} also signs until {keys['previous_valid_until']}"
        )


@webhook_key.command("show")
def show(team: TeamArg) -> None:
    """Which key signs the team's webhooks, and whether a rotation is under way."""
    show_keys(call("GET", f"/v1/teams/{team}/webhook-keys"))


@webhook_key.command("rotate")
def rotate(
    team: TeamArg,
    overlap_hours: Annotated[
        float | None,
        typer.Option(help="how long the old key stays valid (default: the notifier's setting)"),
    ] = None,
) -> None:
    """Start signing with a new key; prints its secret once, for the team's receivers."""
    params = {"overlap_hours": overlap_hours} if overlap_hours else {}
    rotated = call("POST", f"/v1/teams/{team}/webhook-keys/rotate", **params)
    show_keys(rotated)
    console.print("new secret (give it to the team's receivers; it is not shown again):")
    print(rotated["secret"])


@webhook_key.command("finish")
def finish(team: TeamArg) -> None:
    """End the rotation now: only the new key signs from here on."""
    show_keys(call("DELETE", f"/v1/teams/{team}/webhook-keys/previous"))
