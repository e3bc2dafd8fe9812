"""The example shop adapter, run as a newcomer runs it, against real contacts, interactions and
projections processes on the real broker and store: every order lands on its customer's view,
and a second run changes nothing."""

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shared.settings import Settings
from shared.topics import Topics
from tests.infra import REPO
from tests.integration.notifier.receivers import eventually
from tests.processes import running

pytestmark = pytest.mark.e2e
ADAPTER = REPO / "examples" / "shop_adapter" / "adapter.py"
ORDERS = REPO / "examples" / "shop_adapter" / "orders.csv"


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections", "worker") as urls:
        yield urls


def run_adapter(interactions_url: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ADAPTER), str(ORDERS), "--url", interactions_url, "--no-auth"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


async def test_the_example_adapter_publishes_each_order_once(services: dict[str, str]) -> None:
    first = run_adapter(services["interactions"])
    assert first.returncode == 0, first.stderr
    assert first.stdout.count(": accepted (customer ") == 3, first.stdout
    again = run_adapter(services["interactions"])
    assert again.returncode == 0, again.stderr
    assert again.stdout.count(": already sent (customer ") == 3, again.stdout

    customers = dict(re.findall(r"shop-csv-(W-\d+): accepted \(customer (\S+)\)", first.stdout))

    async def view(order_id: str) -> dict[str, Any] | None:
        async with httpx.AsyncClient(base_url=services["projections"], timeout=30) as http:
            answer = await http.get(f"/v1/customers/{customers[order_id]}")
        found: dict[str, Any] = answer.json() if answer.status_code == 200 else {}
        return found if found.get("kpis", {}).get("purchase_count") else None

    sara = await eventually(lambda: view("W-2001"), "Sara's order on her view", 60)
    carpet = await eventually(lambda: view("W-2003"), "the carpet order on its view", 60)
    assert sara["profile"]["emails"] == ["sara@example.com"]
    assert (sara["kpis"]["purchase_count"], sara["kpis"]["total_spent"]) == (1, {"EUR": 1920})
    assert carpet["profile"]["phones"] == ["+989351112233"]
    assert carpet["kpis"]["total_spent"] == {"IRR": 1_250_000_000}
