"""The console in a real browser against the running services: a lookup never leaves the
previous caller on screen, each outcome is its own unmistakable state, and a logged entry is
pending until the projection shows it (with the projection stopped, it says so plainly)."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, expect

from shared.settings import Settings
from shared.topics import Topics
from tests.browser.console_world import SEEN_WITHIN_MS, create_customer, visible
from tests.processes import running

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections") as urls:
        yield urls


async def lookup(page: Page, text: str) -> None:
    await page.get_by_label("Phone, email or name").fill(text)
    await page.keyboard.press("Enter")


async def test_a_new_lookup_clears_the_card_at_once_and_not_found_is_unmistakable(
    services: dict[str, str], settings: Settings, browser: Browser
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        with running(settings, "worker"):
            created = await http.post(
                f"{services['contacts']}/v1/contacts",
                json={"name": "Reza Karimi", "phones": ["+98 912 555 0101"]},
            )
            assert created.status_code == 201, created.text
            customer_id = created.json()["customer_id"]
            await visible(http, services["projections"], customer_id, created.json()["position"])

    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    await page.goto(f"{services['projections']}/console")
    # before any search: no card, no forms, no "live" badge, actions disabled
    await expect(page.locator("#customer")).to_be_hidden()
    await expect(page.locator("#log-call button[type=submit]")).to_be_disabled()

    await lookup(page, "0912 555 0101")
    await expect(page.locator("#name")).to_have_text("Reza Karimi", timeout=SEEN_WITHIN_MS)
    await expect(page.get_by_role("button", name="Log call")).to_be_enabled()

    # the next caller's lookup is held in flight: the previous card is already gone
    held = asyncio.Event()

    async def hold(route: Route) -> None:
        await held.wait()
        await route.continue_()

    await page.route("**/v1/customers/lookup*", hold)
    await lookup(page, "0912 555 0199")
    await expect(page.locator("#customer")).to_be_hidden()
    await expect(page.locator("#name")).to_have_text("")
    await expect(page.locator("#state")).to_have_attribute("data-kind", "loading")
    held.set()
    await expect(page.locator("#state")).to_have_attribute(
        "data-kind", "notfound", timeout=SEEN_WITHIN_MS
    )
    await expect(page.locator("#state")).to_contain_text("No customer found")
    await expect(page.locator("#customer")).to_be_hidden()
    await expect(page.locator("#log-call button[type=submit]")).to_be_disabled()
    await page.unroute("**/v1/customers/lookup*")

    # a refused lookup is an error, not "not found"
    await lookup(page, "sara@")
    await expect(page.locator("#state")).to_have_attribute(
        "data-kind", "error", timeout=SEEN_WITHIN_MS
    )
    await expect(page.locator("#state")).to_contain_text("email")

    # the network gives no answer at all: service unavailable, nothing shown
    await page.route("**/v1/customers/lookup*", lambda route: route.abort("connectionrefused"))
    await lookup(page, "0912 555 0101")
    await expect(page.locator("#state")).to_have_attribute(
        "data-kind", "unavailable", timeout=SEEN_WITHIN_MS
    )
    await expect(page.locator("#customer")).to_be_hidden()


async def test_a_logged_note_is_pending_until_the_projection_shows_it(
    services: dict[str, str], settings: Settings, browser: Browser
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        with running(settings, "worker"):
            customer_id, position = await create_customer(
                http, services["contacts"], name="Mina Azadi", phones=["+98 912 555 0202"]
            )
            await visible(http, services["projections"], customer_id, position)
        # the projection worker is stopped: nothing new becomes visible

        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(f"{services['projections']}/console")
        await lookup(page, "09125550202")
        await expect(page.locator("#name")).to_have_text("Mina Azadi", timeout=SEEN_WITHIN_MS)

        await page.get_by_label("Text").fill("wants the invoice by post")
        await page.get_by_role("button", name="Add note").click()
        pending = page.locator("#timeline li.pending")
        await expect(pending).to_contain_text("wants the invoice by post")
        await expect(page.get_by_role("button", name="Add note")).to_be_disabled()  # no 2nd send
        # accepted by the service, but the projection does not show it: said plainly
        await expect(page.locator("#state")).to_have_attribute(
            "data-kind", "warn", timeout=SEEN_WITHIN_MS
        )
        await expect(page.locator("#state")).to_contain_text("not yet visible")
        await expect(page.locator("#timeline li.waiting")).to_contain_text(
            "accepted, not yet visible"
        )
        await expect(page.get_by_role("button", name="Add note")).to_be_enabled()
        assert await page.get_by_label("Text").input_value() == ""

        with running(settings, "worker"):  # the projection catches up
            saved = page.locator("#timeline li", has=page.locator(".badge.saved"))
            await expect(saved).to_contain_text("wants the invoice by post", timeout=60_000)
            await expect(page.locator("#timeline li.pending")).to_have_count(0)
            await expect(page.locator("#state")).to_have_attribute("data-kind", "ok")
            timeline = await http.get(
                f"{services['projections']}/v1/customers/{customer_id}/timeline?type=note"
            )
            assert [i["data"]["text"] for i in timeline.json()["items"]] == [
                "wants the invoice by post"
            ]
