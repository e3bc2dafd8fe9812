"""The KPI dashboard with authentication on, in a real browser against the provider's real login
page: a manager (role supervisor) signs in and reads the figures; an agent signs in and is told
plainly that their role may not see KPIs. A screenshot of the signed-in page is kept.

The realm registers the dashboard at http://127.0.0.1:8006 only, so this test's KPI service takes
that port (skipped when something else holds it, a failure in CI)."""

import re
import socket
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, Page, expect
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_signin import issuer_url  # noqa: F401 (a fixture)
from tests.conftest import IN_CI
from tests.integration.kpis.harness import feed, wait_counted
from tests.kpis_history import synthetic_year
from tests.processes import ServiceProcess, settings_env

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
DASHBOARD_ORIGIN = "http://127.0.0.1:8006"
YEAR = "from=2025-01-01&to=2025-12-31"
SIGN_IN_MS = 60_000  # the provider's pages on a busy shared machine; not a timing assertion


@pytest.fixture
def secured_kpis(settings: Settings, catalog: Topics, issuer_url: str) -> Iterator[Settings]:  # noqa: F811
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8006)) == 0:
            if IN_CI:
                pytest.fail("port 8006, where the realm expects the dashboard, is taken")
            pytest.skip("port 8006, where the realm expects the dashboard, is taken")
    secured = settings.model_copy(update={"auth_enabled": True, "auth_issuer": issuer_url})
    env = settings_env(secured, C360_KPIS_PORT="8006")
    kpis = ServiceProcess("services.kpis", env, f"{DASHBOARD_ORIGIN}/readyz", "kpis").start()
    try:
        yield secured
    finally:
        kpis.stop()


async def sign_in(page: Page, user: str) -> None:
    await page.goto(f"{DASHBOARD_ORIGIN}/dashboard?{YEAR}")
    await page.locator("#username").fill(user)  # the provider's own login page
    await page.locator("#password").fill(user)
    await page.locator("#kc-login").click()
    await expect(page.locator("#who")).to_have_text(user, timeout=SIGN_IN_MS)


async def test_a_manager_reads_the_figures_and_an_agent_is_told_it_is_not_allowed(
    secured_kpis: Settings,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    browser: Browser,
) -> None:
    await wait_counted(db, await feed(secured_kpis, producer, synthetic_year(seed=5, customers=80)))

    manager = await browser.new_page(viewport={"width": 1400, "height": 900})
    await sign_in(manager, "manager")
    await expect(manager.locator("#retention svg rect").first).to_be_visible(timeout=SIGN_IN_MS)
    assert await manager.locator("section svg").count() == 9
    await expect(manager.locator('[data-kpi="new_customers"] b')).to_have_text(re.compile(r"^\d+$"))
    assert "from=2025-01-01" in manager.url  # the range asked for survived the sign-in
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await manager.screenshot(path=str(ARTIFACTS / "dashboard-signed-in.png"), full_page=True)
    await manager.get_by_role("button", name="Sign out").click()
    await expect(manager.locator("#username")).to_be_visible(timeout=SIGN_IN_MS)

    agent = await browser.new_page()
    await sign_in(agent, "agent")
    await expect(agent.locator("#notice")).to_have_text(
        re.compile("your role may not see the KPIs"), timeout=SIGN_IN_MS
    )
    assert await agent.locator("section svg").count() == 0
