"""Console benchmark: from the Enter key in the search box to the customer card rendered, in a
real browser (Debian's Chromium) against the running services, over a scripted run of lookups.

For comparison it also times the same lookups as plain HTTP requests from this process (what the
page costs beyond the API), one at a time, the way one agent works.
"""

import asyncio
import time
from typing import Any

import httpx
from playwright.async_api import async_playwright

from shared.kafka import ensure_topics
from shared.settings import Settings
from tests.bench.common import console, percentiles
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.processes import running

CUSTOMERS = 50
LOOKUPS = 100


def national(n: int) -> str:
    """The number as a caller reads it out: national format, Persian digits, spaces."""
    digits = f"0912{n:07d}"
    persian = digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    return f"{persian[:4]} {persian[4:7]} {persian[7:]}"


async def run(settings: Settings) -> dict[str, Any]:
    await ensure_topics(settings)
    with running(settings, "contacts", "projections", "worker", C360_LOG_LEVEL="WARNING") as urls:
        async with httpx.AsyncClient(timeout=60) as http:
            last = ""
            for n in range(CUSTOMERS):
                body = {"name": f"Caller {n}", "phones": [f"+98912{n:07d}"]}
                created = await http.post(f"{urls['contacts']}/v1/contacts", json=body)
                created.raise_for_status()
                last = created.json()["position"]
            await http.get(
                f"{urls['projections']}/v1/customers/lookup?phone=%2B989120000000"
                f"&min_position={last}&timeout_ms=60000"
            )
            api_samples = []
            for i in range(LOOKUPS):
                began = time.perf_counter()
                answer = await http.get(
                    f"{urls['projections']}/v1/customers/lookup",
                    params={"phone": national(i % CUSTOMERS)},
                )
                api_samples.append(time.perf_counter() - began)
                answer.raise_for_status()
        page_samples = await keypress_to_card(urls["projections"])
    result = {
        "lookups": LOOKUPS,
        "keypress_to_card": percentiles(page_samples),
        "lookup_api_alone": percentiles(api_samples),
    }
    console.print(result)
    return result


async def keypress_to_card(base_url: str) -> list[float]:
    samples: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(f"{base_url}/console")
        search = page.get_by_label("Phone, email or name")
        for i in range(LOOKUPS):
            n = i % CUSTOMERS
            await search.fill(national(n))
            began = time.perf_counter()
            await search.press("Enter")
            await page.wait_for_function(
                "name => document.getElementById('name').textContent === name "
                "&& !document.getElementById('customer').hidden",
                arg=f"Caller {n}",
            )
            samples.append(time.perf_counter() - began)
        await browser.close()
    return samples


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
