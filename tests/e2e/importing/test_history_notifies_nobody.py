"""An imported purchase, old or recent, notifies nobody; a live one does (the real notifier
process, services, broker and store)."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.importing.test_import import c360_import
from tests.e2e.notifier.harness import caught_up, default_rules_for_tests, notifier_process
from tests.e2e.notifier.harness import running as started
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, eventually
from tests.processes import running, settings_env

pytestmark = pytest.mark.e2e
MAPPING = "customer.external_ids.shop=customer,customer.email=email,time=date,amount=amount"


async def test_imported_purchases_notify_nobody_and_a_live_one_does(
    settings: Settings,
    catalog: Topics,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC).isoformat()
    file = tmp_path / "history.csv"
    file.write_text(
        "customer,email,date,amount\n"
        f"old-{run},old-{run}@example.com,1997-01-01,600.00\n"
        f"recent-{run},recent-{run}@example.com,{now},600.00\n"
    )
    with running(settings, "contacts", "interactions") as urls:
        rules = default_rules_for_tests(tmp_path)
        notifier = notifier_process(settings, rules, http, smtp, C360_CONTACTS_URL=urls["contacts"])
        with started(notifier):
            env = settings_env(settings, C360_INTERACTIONS_URL=urls["interactions"])
            done = c360_import(env, str(file), "--map", MAPPING)
            assert "2 accepted (2 new" in done.stdout, done.stdout + done.stderr
            live = {
                "specversion": "1.0",
                "id": f"live-{run}",
                "source": "shop/web",
                "type": "c360.interaction.purchase",
                "time": now,
                "data": {
                    "customer": {"email": f"live-{run}@example.com"},
                    "order_id": "L-1",
                    "amount_minor": 60000,
                    "currency": "USD",
                },
            }
            async with httpx.AsyncClient(base_url=urls["interactions"], timeout=30) as client:
                answer = await client.post("/v1/events", json=live)
            assert answer.status_code == 202, answer.text
            live_customer = answer.json()["customer_id"]

            async def notified() -> list[Document]:
                return [d async for d in db["notifier_notifications"].find({})]

            await eventually(notified, "the live purchase's notifications", 180)
            await eventually(lambda: caught_up(settings), "the notifier to commit everything")
            stored = await notified()
    assert {d["customer_id"] for d in stored} == {live_customer}, notifier.log_tail()
    assert {d["rule_id"] for d in stored} == {"welcome-first-purchase", "high-value-purchase"}
