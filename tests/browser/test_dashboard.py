"""The KPI dashboard in a real browser: a year of history, English then Persian by the toggle,
the choice remembered across visits; screenshots of both for the docs."""

import re
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, expect
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.browser.conftest import ARTIFACTS
from tests.integration.kpis.harness import feed, wait_counted
from tests.kpis_history import synthetic_year
from tests.processes import running

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
YEAR = "from=2025-01-01&to=2025-12-31"


@pytest.fixture
def kpis(settings: Settings, catalog: Topics) -> Iterator[str]:
    with running(settings, "kpis") as urls:
        yield urls["kpis"]


async def test_a_manager_reads_the_year_in_english_and_in_persian(
    kpis: str,
    settings: Settings,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    browser: Browser,
) -> None:
    await wait_counted(db, await feed(settings, producer, synthetic_year(seed=3, customers=160)))
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    await page.goto(f"{kpis}/dashboard?{YEAR}")
    await expect(page.locator("html")).to_have_attribute("dir", "ltr")
    await expect(page.locator("#retention svg rect").first).to_be_visible()
    assert await page.locator("section svg").count() == 9
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

    await page.click("#lang")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await page.goto(f"{kpis}/dashboard?{YEAR}")  # no lang: the toggle's choice is remembered
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator('[data-kpi="new_customers"] b')).to_have_text(re.compile("^[۰-۹٬]+$"))
    await page.screenshot(path=str(ARTIFACTS / "dashboard-fa.png"), full_page=True)
