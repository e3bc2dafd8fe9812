"""The call-center console: the page, a live stream per open customer, and the agent's actions,
passed on to the interactions service from the same origin (no CORS to configure)."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sse_starlette.sse import EventSourceResponse

from services.projections.entrypoints.http.dependencies import QueriesDep
from shared.auth import Access, Principal
from shared.auth.roles import ANONYMOUS_ADMIN
from shared.http.browser import SIGN_IN_SCRIPT, media_type
from shared.http.problems import Problem

PAGE_DIR = Path(__file__).resolve().parents[1] / "console"
# every script and style sheet beside the page, so a new module needs no change here, and the
# sign-in script shared with the KPI dashboard
ASSETS = {p.name: p for p in PAGE_DIR.iterdir() if p.suffix in (".css", ".js")}
ASSETS["session.js"] = SIGN_IN_SCRIPT
LIVE_POLL_S = 0.3  # per open stream; a read of the near cache, not of the store

router = APIRouter(prefix="/console", tags=["console"])


@router.get("", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(PAGE_DIR / "index.html", media_type="text/html")


@router.get("/dashboard", include_in_schema=False)
async def kpi_dashboard(request: Request) -> RedirectResponse:
    """The managers' KPI dashboard, served by the KPI service (`C360_KPIS_URL`)."""
    return RedirectResponse(f"{request.app.state.kpis_url}/dashboard")


@router.get("/assets/{name}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise Problem(404, f"no asset {name!r}")
    return FileResponse(ASSETS[name], media_type=media_type(name))


JSON_TYPES = ("application/json", "application/cloudevents+json")


def same_site_json(request: Request) -> None:
    """Cross-site request forgery stops here: a form or `text/plain` post from another site
    needs no preflight, so the console's actions take only JSON, and only from its own page."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise Problem(415, "send application/json", errors=[_field("content-type", media_type)])
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise Problem(
            403, "cross-site request refused", errors=[_field("sec-fetch-site", fetch_site)]
        )
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise Problem(403, "cross-origin request refused", errors=[_field("origin", origin)])


def _field(name: str, value: str) -> dict[str, str]:
    return {"field": name, "reason": f"{value!r} is not accepted here"}


@router.get("/config", include_in_schema=False)
async def config(request: Request) -> dict[str, object]:
    """What the page needs: the provider's endpoints and the public client id to sign in, and
    the wrap-up codes a call may be given."""
    access: Access = request.app.state.access
    return {
        "wrapup_codes": list(request.app.state.wrapup_codes),
        "auth_enabled": access.enabled,
        "client_id": access.console_client_id,
        "authorization_url": access.authorization_url,
        "token_url": access.token_url,
        "end_session_url": access.authorization_url.rsplit("/", 1)[0] + "/logout",
    }


@router.post(
    "/api/events",
    summary="Log a touchpoint through the interactions service",
    dependencies=[Depends(same_site_json)],
)
async def log_event(request: Request) -> Response:
    """Passes the CloudEvent on to `POST /v1/events` as the signed-in agent (their token, and
    their name as `agent_id`); the answer (202 with a position, or a problem) comes back as is."""
    interactions: httpx.AsyncClient = request.app.state.interactions
    headers = {"content-type": "application/json"}
    if "authorization" in request.headers:
        headers["authorization"] = request.headers["authorization"]
    try:
        answer = await interactions.post(
            "/v1/events", content=as_signed_in_agent(await request.body(), request), headers=headers
        )
    except httpx.HTTPError as exc:
        raise Problem(503, "the interactions service is unavailable", reason=str(exc)) from exc
    kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "location")}
    return Response(answer.content, status_code=answer.status_code, headers=kept)


def as_signed_in_agent(body: bytes, request: Request) -> bytes:
    """The event with `data.agent_id` set to whoever is signed in, whatever the page sent."""
    principal: Principal | None = getattr(request.state, "principal", None)
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body  # the interactions service explains what is wrong with it
    if principal is None or principal is ANONYMOUS_ADMIN or not isinstance(event, dict):
        return body
    if isinstance(event.get("data"), dict):
        event["data"]["agent_id"] = principal.name
    return orjson.dumps(event)


@router.get("/api/customers/{customer_id}/stream", summary="Server-sent events: the view changed")
async def stream(
    customer_id: Annotated[str, "customer id"], queries: QueriesDep, request: Request
) -> EventSourceResponse:
    """`changed` (data: the view's version) whenever the projection has folded a new event of
    this customer in; the page then reloads the card and the newest timeline entries."""

    async def changes() -> AsyncIterator[dict[str, str]]:
        seen: int | None = None
        while not await request.is_disconnected():
            view = await queries.view(customer_id)
            version = None if view is None else view.version
            if version is not None and version != seen:
                if seen is not None:
                    yield {"event": "changed", "data": str(version)}
                seen = version
            await asyncio.sleep(LIVE_POLL_S)

    return EventSourceResponse(changes(), ping=15)
