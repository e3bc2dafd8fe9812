"""The console in a real browser (Debian's Chromium, driven by Playwright) against the running
services: find a caller by a number typed differently from how it is stored, log a call, and see
another client's event arrive live."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, Page, expect

from shared.events import STRUCTURED_HEADERS, Event, EventType, encode_event
from shared.settings import Settings
from shared.topics import Topics
from tests.browser.conftest import ARTIFACTS, CHROMIUM
from tests.factories import make_event
from tests.processes import running

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SEEN_WITHIN_MS = 20_000  # a deadline for a loaded machine, not a performance claim


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections", "worker") as urls:
        yield urls


def call_event(customer_id: str, outcome: str) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:c360:pbx",
        "type": "c360.interaction.purchase",
        "time": datetime.now(UTC).isoformat(),
        "data": {
            "customer": {"customer_id": customer_id},
            "order_id": f"o-{outcome}",
            "amount_minor": 125_000,
            "currency": "EUR",
        },
    }


async def test_an_agent_finds_the_caller_logs_the_call_and_sees_events_live(
    services: dict[str, str], browser: Browser, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        buyers = {"field": "kpis.purchase_count", "op": "gte", "value": 1}
        defined = await http.post(
            f"{services['projections']}/v1/segments",
            json={"id": "buyers", "name": "Buyers", "rule": buyers},
        )
        assert defined.status_code == 201, defined.text
        created = await http.post(
            f"{services['contacts']}/v1/contacts",
            json={"name": "سارا احمدی", "phones": ["+98 912 123 4567"], "preferred_channel": "sms"},
        )
        assert created.status_code == 201, created.text
        customer_id, position = created.json()["customer_id"], created.json()["position"]
        visible = await http.get(
            f"{services['projections']}/v1/customers/{customer_id}"
            f"?min_position={position}&timeout_ms=20000"
        )
        assert visible.status_code == 200, visible.text

        page: Page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(f"{services['projections']}/console")
        # typed the way the caller read it out: Persian digits, national format, spaces
        await page.get_by_label("Phone, email or name").fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
        await page.keyboard.press("Enter")
        await expect(page.locator("#name")).to_have_text("سارا احمدی", timeout=SEEN_WITHIN_MS)
        # the name is isolated (<bdi>), so it keeps its direction in a line of the other script
        assert await page.locator("#name").evaluate("e => e.tagName") == "BDI"
        await expect(page.locator("#channel")).to_have_text("sms")

        await page.get_by_label("Notes").fill("asked about the delivery date")
        await page.get_by_role("button", name="Log call").click()
        first = page.locator("#timeline li").first
        await expect(first).to_contain_text("call", timeout=SEEN_WITHIN_MS)
        await expect(first).to_contain_text("asked about the delivery date")

        # another client (an adapter) publishes a purchase: it appears without a reload
        sent = await http.post(
            f"{services['interactions']}/v1/events", json=call_event(customer_id, "live")
        )
        assert sent.status_code == 202, sent.text
        await expect(page.locator("#timeline li").first).to_contain_text(
            "purchase", timeout=SEEN_WITHIN_MS
        )
        await expect(page.locator("#orders")).to_have_text("1", timeout=SEEN_WITHIN_MS)
        await expect(page.locator("#segments")).to_have_text("Buyers", timeout=SEEN_WITHIN_MS)

        # the analytics service scores the customer: RFM cell, CLV and p(alive) on the card
        await producer.send_and_wait(
            catalog.analytics,
            encode_event(scored(customer_id)),
            key=customer_id.encode(),
            headers=STRUCTURED_HEADERS,
        )
        await expect(page.locator("#rfm")).to_have_text("at risk", timeout=SEEN_WITHIN_MS)
        await expect(page.locator("#palive")).to_have_text("41%")
        await expect(page.locator("#clv")).to_contain_text("640")

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "console-card.png"
        await page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000


def scored(customer_id: str) -> Event:
    now = datetime.now(UTC).isoformat()
    data = {
        "customer_id": customer_id,
        "rfm": {"recency": 1, "frequency": 4, "monetary": 5, "cell": "at_risk"},
        "clv": {
            "p_alive": 0.41,
            "expected_purchases_90d": 0.3,
            "clv_12m_minor": 64_000,
            "currency": "USD",
        },
        "model_id": "bgnbd-test",
        "scored_at": now,
    }
    return make_event(EventType.ANALYTICS_SCORED, data, subject=customer_id, time=now)


def test_chromium_is_the_debian_one() -> None:
    assert Path(CHROMIUM).exists(), "run tests/browser/ensure_chromium.sh (make test does)"
