"""Calls from the command line to a c360 service's API, signed in as the command's role; any
failure is one red line and exit code 1."""

from typing import Any

import httpx
import typer
from rich.console import Console

from shared.auth.client import TokenRefused, ops_token
from shared.auth.roles import Role
from shared.settings import Settings

console = Console()


def call_service(
    settings: Settings,
    base_url: str,
    role: Role,
    method: str,
    path: str,
    *,
    timeout: float = 30,
    **params: Any,
) -> dict[str, Any]:
    """The JSON answer of `method path` at `base_url`, with the ops client's token (or, on a local
    stack without its secret, the demo user of `role`)."""
    try:
        bearer = ops_token(settings, role) if settings.auth_enabled else ""
    except TokenRefused as exc:
        console.print(f"[red]could not sign in: {exc}[/]")
        raise typer.Exit(1) from exc
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    url = f"{base_url.rstrip('/')}{path}"
    try:
        answer = httpx.request(method, url, params=params, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        console.print(f"[red]the service at {base_url} is not reachable: {exc}[/]")
        raise typer.Exit(1) from exc
    if answer.status_code >= 400:
        problem = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
        console.print(f"[red]{answer.status_code}: {problem.get('detail', answer.text)}[/]")
        raise typer.Exit(1)
    document: dict[str, Any] = answer.json() if answer.content else {}
    return document
