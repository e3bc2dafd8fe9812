"""The KPI service against the real broker and store: a known history in the log, every KPI's
figures exact through the HTTP API, bad ranges as problems, the dashboard in both languages."""

from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.kpis.bootstrap import build_app
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.kpis.harness import feed, wait_counted
from tests.kpis_history import CHURN_BELOW, HISTORY, QUARTER, check_quarter

RANGE = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat()}


@pytest.fixture
async def api(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> AsyncIterator[httpx.AsyncClient]:
    """The KPI service in-process with its worker, after it has counted the known history."""
    app = build_app(settings.model_copy(update={"kpis_churn_below": CHURN_BELOW}))
    written = await feed(settings, producer, HISTORY)
    async with app.router.lifespan_context(app):
        await wait_counted(db, written)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kpis") as client:
            yield client


async def test_every_kpi_of_the_known_history_is_exact(api: httpx.AsyncClient) -> None:
    answers = {}
    for kpi in (
        "retention",
        "repeat-purchase",
        "conversion",
        "acquisition-cost",
        "satisfaction",
        "complaints-sla",
        "churn",
        "clv",
        "pareto",
    ):
        response = await api.get(f"/v1/kpis/{kpi}", params=RANGE)
        assert response.status_code == 200, response.text
        answers[kpi] = response.json()
    check_quarter(answers.__getitem__)


async def test_a_range_ending_before_it_starts_is_a_problem_naming_the_field(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get(
        "/v1/kpis/retention", params={"from": "2026-03-01", "to": "2026-01-01"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "to"
    bad_day = await api.get("/v1/kpis/churn", params={"from": "2026-02-30"})
    assert bad_day.status_code == 422
    assert bad_day.json()["errors"][0]["field"] == "from"


async def test_the_dashboard_speaks_english_and_persian_and_remembers(
    api: httpx.AsyncClient,
) -> None:
    english = await api.get("/dashboard", params=RANGE)
    assert english.status_code == 200
    assert 'dir="ltr"' in english.text
    assert "<svg" in english.text
    assert "<span>New customers</span><b>4</b>" in english.text
    persian = await api.get("/dashboard", params={**RANGE, "lang": "fa"})
    assert 'dir="rtl"' in persian.text
    assert "<span>مشتریان جدید</span><b>۴</b>" in persian.text
    again = await api.get("/dashboard", params=RANGE)  # the cookie remembers Persian
    assert 'dir="rtl"' in again.text


async def test_with_authentication_on_the_page_shows_no_figure_until_signed_in(
    settings: Settings, catalog: Topics
) -> None:
    """The page stays public but empty; its figures need a token (the browser test signs in)."""
    app = build_app(settings.model_copy(update={"auth_enabled": True}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kpis") as client:
            page = await client.get("/dashboard", params=RANGE)
            figures = await client.get("/dashboard/figures", params=RANGE)
            config = (await client.get("/dashboard/config")).json()
            script = await client.get("/dashboard/assets/session.js")
    assert page.status_code == 200
    assert "<svg" not in page.text
    assert "data-kpi" not in page.text
    assert 'src="/dashboard/assets/session.js"' in page.text
    assert figures.status_code == 401
    assert figures.headers["content-type"] == "application/problem+json"
    assert config["auth_enabled"] is True
    assert config["client_id"] == "c360-dashboard"
    assert script.status_code == 200
    assert "code_challenge_method" in script.text
