"""A lookup through the real query API is audited under the reader's name via the real broker;
analysts see pseudonyms, agents the person."""

import asyncio
import contextlib

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.entrypoints.audit_worker import run_audit_projection
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import (
    api_client,
    caught_up,
    eventually,
    publish,
    store_of,
    worker,
)
from tests.unit.auth.issuer import LocalIssuer
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration


async def test_reads_are_audited_and_masked_by_role(
    secured: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    issuer: LocalIssuer,
) -> None:
    sara = ev.new_customer_id()
    created = ev.created(sara, 0, "Sara Ahmadi", phones=["+989121234567"])
    positions = [await publish(producer, catalog.contacts, created)]
    agent = {"authorization": f"Bearer {issuer.token('agent', username='agent-ana')}"}
    analyst = {"authorization": f"Bearer {issuer.token('analyst', username='ali')}"}
    officer = {"authorization": f"Bearer {issuer.token('privacy-officer', username='pat')}"}
    auditing = asyncio.create_task(run_audit_projection(secured, db, producer))
    try:
        async with worker(secured, db, producer), api_client(secured) as http:
            store = await store_of(db)
            await eventually(lambda: caught_up(store, positions), bool, "catch up")

            found = await http.get("/v1/customers/lookup?phone=09121234567", headers=agent)
            assert found.status_code == 200, found.text
            assert found.json()["profile"]["name"] == "Sara Ahmadi"

            masked = (await http.get(f"/v1/customers/{sara}", headers=analyst)).json()
            assert masked["customer_id"] == sara
            assert masked["profile"]["name"].startswith("anon:")
            assert masked["profile"]["phones"]
            assert all(p.startswith("anon:") for p in masked["profile"]["phones"])
            assert (
                await http.get("/v1/customers/lookup?phone=1", headers=analyst)
            ).status_code == 403

            async def seen_by_ana() -> list[dict[str, object]]:
                page = await http.get(f"/v1/audit?customer_id={sara}", headers=officer)
                assert page.status_code == 200, page.text
                return list(page.json()["items"])

            items = await eventually(seen_by_ana, lambda i: len(i) >= 2, "the audit of sara")
            assert {(i["actor"], i["action"]) for i in items} == {
                ("agent-ana", "customer.lookup"),
                ("ali", "customer.view"),
            }
            by_actor = (await http.get("/v1/audit?actor=agent-ana", headers=officer)).json()
            assert [i["customer_ids"] for i in by_actor["items"]] == [[sara]]
            assert (await http.get("/v1/audit?actor=ali", headers=agent)).status_code == 403
    finally:
        auditing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await auditing
