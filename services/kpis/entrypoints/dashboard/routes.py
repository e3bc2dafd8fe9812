"""`GET /dashboard`: the page, in the language asked for (`lang`) or remembered (a cookie); with
authentication on, its figures from `GET /dashboard/figures` for a signed-in caller allowed to
see KPIs, its sign-in settings from `/dashboard/config` and its scripts from `/dashboard/assets`."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from services.kpis.entrypoints.dashboard.i18n import LANGS, Lang
from services.kpis.entrypoints.dashboard.page import figures, render
from services.kpis.entrypoints.http import Currency, QueriesDep, WindowDep
from shared.auth import Access
from shared.http.browser import SIGN_IN_SCRIPT, media_type
from shared.http.problems import Problem

COOKIE = "c360_lang"
YEAR_S = 365 * 24 * 3600
ASSETS = {"session.js": SIGN_IN_SCRIPT, "dashboard.js": Path(__file__).parent / "dashboard.js"}
router = APIRouter(tags=["dashboard"])
LangQuery = Annotated[Lang | None, Query(description="en or fa; remembered")]


def remembered_lang(cookie: str | None) -> Lang:
    """A cookie from another version may hold anything: fall back to English."""
    return next((known for known in LANGS if known == cookie), "en")


@router.get("/dashboard", response_class=HTMLResponse, summary="The manager's KPI dashboard")
async def dashboard(
    request: Request,
    queries: QueriesDep,
    window: WindowDep,
    currency: Currency = "USD",
    lang: LangQuery = None,
    remembered: Annotated[str | None, Cookie(alias=COOKIE)] = None,
) -> HTMLResponse:
    chosen = lang or remembered_lang(remembered)
    access: Access = request.app.state.access
    # With authentication on, the page itself is public: the figures come signed in.
    kpis = None if access.enabled else await queries.all(window, currency)
    console_url: str = request.app.state.console_url
    page = render(
        kpis, chosen, window.start.isoformat(), window.end.isoformat(), currency, console_url
    )
    response = HTMLResponse(page)
    if lang is not None:
        response.set_cookie(COOKIE, lang, max_age=YEAR_S, samesite="lax")
    return response


@router.get("/dashboard/figures", response_class=HTMLResponse, summary="The dashboard's figures")
async def dashboard_figures(
    queries: QueriesDep, window: WindowDep, currency: Currency = "USD", lang: LangQuery = None
) -> HTMLResponse:
    """The tiles and charts of the page, as an HTML fragment (what the signed-in page shows)."""
    return HTMLResponse(figures(await queries.all(window, currency), lang or "en", currency))


@router.get("/dashboard/config", include_in_schema=False)
async def config(request: Request) -> dict[str, object]:
    """What the page needs to sign in: the provider's endpoints and its public client id."""
    access: Access = request.app.state.access
    return {
        "auth_enabled": access.enabled,
        "client_id": request.app.state.dashboard_client_id,
        "authorization_url": access.authorization_url,
        "token_url": access.token_url,
        "end_session_url": access.authorization_url.rsplit("/", 1)[0] + "/logout",
    }


@router.get("/dashboard/assets/{name}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise Problem(404, f"no asset {name!r}", errors=[{"field": "name", "reason": "unknown"}])
    return FileResponse(ASSETS[name], media_type=media_type(name))
