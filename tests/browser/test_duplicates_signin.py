"""Possible duplicates on the card, by role, signed in through the real login page: an agent
sees the caller's card and no merge action (the server refuses them the list too); a supervisor
sees the possible duplicate with its merge action and merges it.

Like test_signin.py, the query API takes port 8003, where the realm registers the console."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from shared.auth.client import demo_user_token
from shared.auth.roles import Role
from shared.settings import Settings
from shared.topics import Topics
from tests.browser.console_world import SEEN_WITHIN_MS, create_customer
from tests.browser.test_signin import CONSOLE_ORIGIN, issuer_url, port_8003_free  # noqa: F401 (a fixture)
from tests.processes import ServiceProcess, running, settings_env

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE = "+98 912 555 0142"


@pytest.fixture
def secured_console(
    settings: Settings,
    catalog: Topics,
    issuer_url: str,  # noqa: F811
) -> Iterator[tuple[Settings, dict[str, str]]]:
    """Contacts, the projection worker and the console's API, all with sign-in on."""
    port_8003_free()
    secured = settings.model_copy(update={"auth_enabled": True, "auth_issuer": issuer_url})
    with running(secured, "contacts", "worker") as urls:
        env = settings_env(
            secured, C360_PROJECTIONS_PORT="8003", C360_CONTACTS_URL=urls["contacts"]
        )
        api = ServiceProcess("services.projections", env, f"{CONSOLE_ORIGIN}/readyz", "api")
        api.start()
        try:
            yield secured, urls
        finally:
            api.stop()


async def sign_in_and_look_up(page: Page, user: str) -> None:
    await page.goto(f"{CONSOLE_ORIGIN}/console")
    await page.locator("#username").fill(user)  # the provider's own login page
    await page.locator("#password").fill(user)
    await page.locator("#kc-login").click()
    await expect(page.locator("#signed-in")).to_have_text(
        f"Signed in as {user}", timeout=SEEN_WITHIN_MS
    )
    await page.select_option("#language", "en")
    await page.get_by_label("Phone, email or name").fill("0912 555 0142")
    await page.keyboard.press("Enter")
    await expect(page.locator("#name")).to_have_text("Leila Karimi", timeout=SEEN_WITHIN_MS)


async def test_a_supervisor_merges_a_possible_duplicate_an_agent_has_no_merge_action(
    secured_console: tuple[Settings, dict[str, str]], browser: Browser
) -> None:
    secured, urls = secured_console
    supervisor = {"authorization": f"Bearer {demo_user_token(secured, Role.SUPERVISOR)}"}
    agent = {"authorization": f"Bearer {demo_user_token(secured, Role.AGENT)}"}
    async with httpx.AsyncClient(headers=supervisor, timeout=30) as http:
        contacts = urls["contacts"]
        customer_id, _ = await create_customer(http, contacts, name="Leila Karimi", phones=[PHONE])
        twin_id, _ = await create_customer(
            http, contacts, name="L. Karimi", emails=["leila.k@example.com"]
        )
        # a touchpoint whose identifiers point at both: a possible duplicate, never merged silently
        pair = {"phone": PHONE, "email": "leila.k@example.com"}
        resolved = await http.post(f"{contacts}/v1/identities/resolve", json=pair)
        assert resolved.status_code == 200, resolved.text

        refused = await http.get(
            f"{CONSOLE_ORIGIN}/console/api/duplicates",
            params={"customer_id": customer_id},
            headers=agent,
        )
        assert refused.status_code == 403, refused.text

    as_agent = await browser.new_context()  # separate sign-in sessions
    page = await as_agent.new_page()
    await sign_in_and_look_up(page, "agent")
    await expect(page.locator("#edit-contact")).to_be_enabled(
        timeout=SEEN_WITHIN_MS
    )  # the card is fully shown
    assert await page.get_by_role("button", name="Merge into this customer").count() == 0
    await expect(page.locator("#duplicates")).to_be_hidden()
    await as_agent.close()

    as_supervisor = await browser.new_context()
    page = await as_supervisor.new_page()
    await sign_in_and_look_up(page, "supervisor")
    await expect(page.locator("#duplicates")).to_contain_text(twin_id, timeout=SEEN_WITHIN_MS)
    await page.get_by_role("button", name="Merge into this customer").click()
    await expect(page.locator("#state")).to_contain_text(
        f"Merged {twin_id}", timeout=SEEN_WITHIN_MS
    )
    await as_supervisor.close()

    async with httpx.AsyncClient(headers=supervisor, timeout=30) as http:
        twin = await http.get(f"{urls['contacts']}/v1/contacts/{twin_id}")
        assert twin.status_code == 200, twin.text
        assert twin.json()["customer_id"] == customer_id  # the merged id answers with its survivor
