"""Cases in a real browser (Debian's Chromium, driven by Playwright) against the running services:
an agent sees a complaint's SLA countdown, assigns and reassigns the case, comments on it and
changes its status; then times a call and gives it a wrap-up code. The view the API answers
agrees with what the page shows."""

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from shared.settings import Settings
from shared.topics import Topics
from tests.browser.conftest import ARTIFACTS
from tests.processes import running

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SEEN_WITHIN_MS = 20_000  # a deadline for a loaded machine, not a performance claim


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections", "worker") as urls:
        yield urls


def complaint_opened(customer_id: str, complaint_id: str, due: datetime) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"ticket-{complaint_id}",
        "source": "adapters/ticketing",
        "type": "c360.interaction.complaint.opened",
        "time": datetime.now(UTC).isoformat(),
        "data": {
            "customer": {"customer_id": customer_id},
            "complaint_id": complaint_id,
            "severity": "high",
            "subject": "بسته دیر رسید",
            "sla_due_at": due.isoformat(),
        },
    }


async def a_customer_with_a_complaint(
    http: httpx.AsyncClient,
    services: dict[str, str],
    complaint_id: str,
    phone: str = "+98 912 765 4321",
) -> str:
    created = await http.post(
        f"{services['contacts']}/v1/contacts",
        json={"name": "Reza Karimi", "phones": [phone]},
    )
    assert created.status_code == 201, created.text
    customer_id: str = created.json()["customer_id"]
    due = datetime.now(UTC) + timedelta(hours=3)
    opened = await http.post(
        f"{services['interactions']}/v1/events",
        json=complaint_opened(customer_id, complaint_id, due),
    )
    assert opened.status_code == 202, opened.text
    visible = await http.get(
        f"{services['projections']}/v1/customers/{customer_id}",
        params={"min_position": opened.json()["position"], "timeout_ms": 20_000},
    )
    assert visible.status_code == 200, visible.text
    return customer_id


async def case_in_console(
    browser: Browser, services: dict[str, str], typed: str, complaint_id: str
) -> tuple[Page, Locator]:
    """The console, the customer found by what the agent `typed`, and their case shown."""
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(f"{services['projections']}/console")
    await page.get_by_label("Phone, email or name").fill(typed)
    await page.keyboard.press("Enter")
    case = page.locator(f'#complaints [data-case="{complaint_id}"]')
    await expect(case).to_contain_text("بسته دیر رسید", timeout=SEEN_WITHIN_MS)
    return page, case


async def test_an_agent_reassigns_and_comments_a_case_and_sees_its_sla_countdown(
    services: dict[str, str], browser: Browser
) -> None:
    complaint_id = f"K-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=30) as http:
        customer_id = await a_customer_with_a_complaint(http, services, complaint_id)
        page, case = await case_in_console(browser, services, "0912 765 4321", complaint_id)
        # three hours from now, give or take the seconds the test took
        await expect(case.locator(".sla")).to_have_text(re.compile(r"^SLA: 2 h 5\d min left$"))
        await expect(case.locator(".owner")).to_have_text("Owner: unassigned")

        await case.get_by_label("Assign to").fill("agent-b")
        await case.get_by_role("button", name="Assign").click()
        await expect(case.locator(".owner")).to_have_text("Owner: agent-b", timeout=SEEN_WITHIN_MS)
        await case.get_by_label("Assign to").fill("agent-c")  # reassigned
        await case.get_by_role("button", name="Assign").click()
        await expect(case.locator(".owner")).to_have_text("Owner: agent-c", timeout=SEEN_WITHIN_MS)
        await case.get_by_label("Comment").fill("پیک گفت سه‌شنبه")
        await case.get_by_role("button", name="Add comment").click()
        await expect(case.locator(".comments li")).to_have_text(
            "console: پیک گفت سه‌شنبه", timeout=SEEN_WITHIN_MS
        )
        commented = page.locator("#timeline li", has_text="comment on complaint")
        await expect(commented).to_contain_text("پیک گفت سه‌شنبه", timeout=SEEN_WITHIN_MS)
        assert (await commented.inner_text()).count("پیک گفت سه‌شنبه") == 1  # said once
        await case.get_by_label("Status").select_option("waiting_customer")
        await case.get_by_role("button", name="Set status").click()
        await expect(case.locator(".status")).to_have_text(
            "Waiting on customer", timeout=SEEN_WITHIN_MS
        )
        await expect(page.locator("#timeline li").first).to_contain_text(
            f"complaint {complaint_id} now waiting on customer"
        )

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "console-cases.png"
        await page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000

        view = (await http.get(f"{services['projections']}/v1/customers/{customer_id}")).json()
        [shown] = view["kpis"]["open_complaints"]
        assert (shown["owner"], shown["status"]) == ("agent-c", "waiting_customer")
        assert [(c["author"], c["text"]) for c in shown["comments"]] == [
            ("console", "پیک گفت سه‌شنبه")
        ]

        # closing the case takes it off the open list
        await case.get_by_label("Status").select_option("closed")
        await case.get_by_role("button", name="Set status").click()
        await expect(page.locator("#complaints")).to_have_text(
            "No open cases", timeout=SEEN_WITHIN_MS
        )


async def test_what_an_agent_types_into_a_case_survives_a_live_update_of_it(
    services: dict[str, str], browser: Browser
) -> None:
    complaint_id = f"K-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=30) as http:
        customer_id = await a_customer_with_a_complaint(
            http, services, complaint_id, phone="+98 912 765 4399"
        )
        page, case = await case_in_console(browser, services, "0912 765 4399", complaint_id)

        comment = case.get_by_label("Comment")
        await comment.click()
        await page.keyboard.type("مشتری گفت ")
        # meanwhile another agent takes the case: the card shows it live
        taken = await http.post(
            f"{services['interactions']}/v1/events",
            json={
                "specversion": "1.0",
                "id": f"take-{complaint_id}",
                "source": "urn:c360:console",
                "type": "c360.interaction.complaint.assigned",
                "time": datetime.now(UTC).isoformat(),
                "data": {
                    "customer": {"customer_id": customer_id},
                    "agent_id": "agent-z",
                    "complaint_id": complaint_id,
                    "owner": "agent-z",
                },
            },
        )
        assert taken.status_code == 202, taken.text
        await expect(case.locator(".owner")).to_have_text("Owner: agent-z", timeout=SEEN_WITHIN_MS)

        # the agent types on into the same field, which kept its text and the cursor
        await page.keyboard.type("فردا تماس بگیرید")
        await expect(comment).to_be_focused()
        await expect(comment).to_have_value("مشتری گفت فردا تماس بگیرید")


async def test_a_timed_call_is_logged_with_its_wrap_up_code(
    services: dict[str, str], browser: Browser
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        customer_id = await a_customer_with_a_complaint(http, services, uuid.uuid4().hex[:6])
        page: Page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(f"{services['projections']}/console")
        await page.get_by_label("Phone, email or name").fill("+989127654321")
        await page.keyboard.press("Enter")
        await expect(page.locator("#name")).to_have_text("Reza Karimi", timeout=SEEN_WITHIN_MS)

        await page.get_by_role("button", name="Start timer").click()
        await expect(page.locator("#call-timer")).not_to_have_text("00:00", timeout=5_000)
        await page.get_by_role("button", name="Stop timer").click()
        timed = await page.locator("#call-timer").text_content()
        assert timed is not None
        minutes, seconds = timed.split(":")
        await page.get_by_label("Wrap-up code").select_option("billing_question")
        await page.get_by_role("button", name="Log call").click()
        first = page.locator("#timeline li").first
        await expect(first).to_contain_text("wrap-up billing_question", timeout=SEEN_WITHIN_MS)
        await expect(page.locator("#call-timer")).to_have_text("00:00")  # ready for the next

        timeline = await http.get(
            f"{services['projections']}/v1/customers/{customer_id}/timeline",
            params={"type": "call"},
        )
        [call] = timeline.json()["items"]
        assert call["data"]["wrapup_code"] == "billing_question"
        assert call["data"]["duration_seconds"] == int(minutes) * 60 + int(seconds)
