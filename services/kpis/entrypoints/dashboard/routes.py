"""`GET /dashboard`: the page, in the language asked for (`lang`) or remembered (a cookie)."""

from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import HTMLResponse

from services.kpis.entrypoints.dashboard.i18n import LANGS, Lang
from services.kpis.entrypoints.dashboard.page import render
from services.kpis.entrypoints.http import Currency, QueriesDep, WindowDep

COOKIE = "c360_lang"
YEAR_S = 365 * 24 * 3600
router = APIRouter(tags=["dashboard"])


def remembered_lang(cookie: str | None) -> Lang:
    """A cookie from another version may hold anything: fall back to English."""
    return next((known for known in LANGS if known == cookie), "en")


@router.get("/dashboard", response_class=HTMLResponse, summary="The manager's KPI dashboard")
async def dashboard(
    request: Request,
    queries: QueriesDep,
    window: WindowDep,
    currency: Currency = "USD",
    lang: Annotated[Lang | None, Query(description="en or fa; remembered")] = None,
    remembered: Annotated[str | None, Cookie(alias=COOKIE)] = None,
) -> HTMLResponse:
    chosen = lang or remembered_lang(remembered)
    kpis = await queries.all(window, currency)
    console_url: str = request.app.state.console_url
    page = render(
        kpis, chosen, window.start.isoformat(), window.end.isoformat(), currency, console_url
    )
    response = HTMLResponse(page)
    if lang is not None:
        response.set_cookie(COOKIE, lang, max_age=YEAR_S, samesite="lax")
    return response
