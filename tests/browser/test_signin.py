"""The console signs in through the real provider's login page (code + PKCE), looks up a
caller, and the audit shows that read under the agent's name; signing out ends the session.

The realm registers the console at http://127.0.0.1:8003 only, so this test's query API takes
that port (the test is skipped when something else holds it, and fails in CI)."""

import os
import socket
from collections.abc import Iterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, expect

from shared.auth.client import demo_user_token
from shared.auth.roles import Role
from shared.events import STRUCTURED_HEADERS, encode_event
from shared.settings import Settings
from shared.topics import Topics
from tests.browser.test_console import SEEN_WITHIN_MS
from tests.conftest import IN_CI
from tests.integration.projections.harness import eventually
from tests.processes import ServiceProcess, running, settings_env
from tests.unit.projections import events as ev

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
CONSOLE_ORIGIN = "http://127.0.0.1:8003"


@pytest.fixture
def issuer_url() -> str:
    port = os.environ.get("C360_KEYCLOAK_PORT", "8080")
    url = os.environ.get("C360_AUTH_ISSUER", f"http://127.0.0.1:{port}/realms/c360")
    try:
        httpx.get(f"{url}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and the identity provider is missing: {exc}", pytrace=False)
        pytest.skip(f"no identity provider at {url} (make up starts it): {exc}")
    return url


def port_8003_free() -> None:
    """Skips (fails in CI) when something else holds the port the realm expects the console on."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8003)) == 0:
            if IN_CI:
                pytest.fail("port 8003, where the realm expects the console, is taken")
            pytest.skip("port 8003, where the realm expects the console, is taken")


@pytest.fixture
def secured_services(
    settings: Settings, catalog: Topics, issuer_url: str
) -> Iterator[tuple[Settings, dict[str, str]]]:
    port_8003_free()
    secured = settings.model_copy(update={"auth_enabled": True, "auth_issuer": issuer_url})
    with running(secured, "worker") as urls:
        env = settings_env(secured, C360_PROJECTIONS_PORT="8003")
        api = ServiceProcess("services.projections", env, f"{CONSOLE_ORIGIN}/readyz", "api")
        api.start()
        try:
            yield secured, {**urls, "projections": CONSOLE_ORIGIN}
        finally:
            api.stop()


async def test_an_agent_signs_in_looks_up_a_caller_and_the_audit_names_them(
    secured_services: tuple[Settings, dict[str, str]],
    browser: Browser,
    catalog: Topics,
    producer: AIOKafkaProducer,
) -> None:
    secured, urls = secured_services
    customer_id = ev.new_customer_id()
    created = ev.created(customer_id, 0, "Sara Ahmadi", phones=["+989121234567"])
    await producer.send_and_wait(
        catalog.contacts,
        encode_event(created),
        key=customer_id.encode(),
        headers=STRUCTURED_HEADERS,
    )

    page = await browser.new_page()
    await page.goto(f"{CONSOLE_ORIGIN}/console")
    await page.locator("#username").fill("agent")  # the provider's own login page
    await page.locator("#password").fill("agent")
    await page.locator("#kc-login").click()
    await expect(page.locator("#signed-in")).to_have_text(
        "Signed in as agent", timeout=SEEN_WITHIN_MS
    )

    await page.get_by_label("Phone, email or name").fill("0912 123 4567")
    await page.keyboard.press("Enter")
    await expect(page.locator("#name")).to_have_text("Sara Ahmadi", timeout=SEEN_WITHIN_MS)

    officer = {"authorization": f"Bearer {demo_user_token(secured, Role.PRIVACY_OFFICER)}"}
    async with httpx.AsyncClient(base_url=urls["projections"], timeout=30) as http:

        async def readers() -> set[tuple[str, str]]:
            page_ = await http.get(f"/v1/audit?customer_id={customer_id}", headers=officer)
            assert page_.status_code == 200, page_.text
            return {(i["actor"], i["action"]) for i in page_.json()["items"]}

        seen = await eventually(readers, lambda r: ("agent", "customer.lookup") in r, "audit")
        assert {actor for actor, _ in seen} == {"agent"}

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator("#username")).to_be_visible(timeout=SEEN_WITHIN_MS)
