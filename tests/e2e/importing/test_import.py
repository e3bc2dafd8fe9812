"""`c360 import` end to end: the real services, broker and store. A CSV imported twice gives
exact views with nothing doubled, and bad lines are reported with their numbers."""

import subprocess
import sys
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from shared.settings import Settings
from shared.topics import Topics
from tests.infra import REPO
from tests.integration.notifier.receivers import eventually
from tests.processes import running, settings_env

pytestmark = pytest.mark.e2e
MAPPING = "customer.external_ids.shop=customer,time=date,quantity=qty,amount=amount"


def history(run: str) -> tuple[str, dict[str, list[int]]]:
    """A CSV of 24 purchases by 6 customers, two bad lines (4 and 9); and the good cents."""
    rows, cents = ["customer,date,qty,amount"], defaultdict(list)
    for n in range(24):
        customer, amount = f"{run}-{n % 6}", 1000 + 37 * n
        rows.append(f"{customer},1997-0{1 + n % 9}-1{n % 10},1,{amount / 100:.2f}")
        cents[customer].append(amount)
    rows[3] = f"{run}-2,1997-13-40,1,5.00"  # line 4: no such date
    rows[8] = f"{run}-1,1997-02-02,1,lots"  # line 9: not an amount
    cents[f"{run}-2"].remove(1000 + 37 * 2)
    cents[f"{run}-1"].remove(1000 + 37 * 7)
    return "\n".join(rows) + "\n", cents


def c360_import(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.ops.cli", "import", *args]
    return subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )


async def test_a_csv_imported_twice_gives_exact_views_and_reports_bad_lines(
    settings: Settings, catalog: Topics, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    text, cents = history(run)
    file = tmp_path / "orders.csv"
    file.write_text(text)
    names = ("contacts", "interactions", "projections", "worker")
    with running(settings, *names) as urls:
        env = settings_env(settings, C360_INTERACTIONS_URL=urls["interactions"])
        first = c360_import(env, str(file), "--map", MAPPING, "--batch-size", "5")
        assert first.returncode == 1, first.stdout + first.stderr
        assert "22 accepted (22 new, 0 already imported), 2 rejected" in first.stdout
        assert "line 4: time '1997-13-40' does not match" in first.stdout
        assert "line 9: amount 'lots' is not a number" in first.stdout

        again = c360_import(env, str(file), "--map", MAPPING, "--concurrency", "2")
        assert "22 accepted (0 new, 22 already imported), 2 rejected" in again.stdout, again.stdout

        async with httpx.AsyncClient(base_url=urls["projections"], timeout=30) as client:

            async def views() -> dict[str, tuple[int, int]] | None:
                found = {}
                for customer in cents:
                    answer = await client.get(
                        "/v1/customers/lookup", params={"external_id": f"shop:{customer}"}
                    )
                    if answer.status_code != 200:
                        return None
                    kpis = answer.json()["kpis"]
                    found[customer] = (kpis["purchase_count"], kpis["total_spent"].get("USD", 0))
                expected = {c: (len(v), sum(v)) for c, v in cents.items()}
                return found if found == expected else None

            await eventually(views, "every view to hold each good line exactly once", 180)
