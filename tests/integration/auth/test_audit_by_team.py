"""Who reads the audit of whom: a supervisor sees the accesses of their own teams' members only;
privacy officers and admins see every access. Reads go through the real query API, the audit
through the real broker into the real store."""

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


async def test_a_supervisor_sees_the_audit_of_their_team_and_a_privacy_officer_all(
    secured: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    issuer: LocalIssuer,
) -> None:
    def bearer(role: str, username: str, teams: list[str] | None = None) -> dict[str, str]:
        if teams is None:
            return {"authorization": f"Bearer {issuer.token(role, username=username)}"}
        return {"authorization": f"Bearer {issuer.token(role, username=username, teams=teams)}"}

    sara = ev.new_customer_id()
    positions = [await publish(producer, catalog.contacts, ev.created(sara, 0, "Sara Ahmadi"))]
    auditing = asyncio.create_task(run_audit_projection(secured, db, producer))
    try:
        async with worker(secured, db, producer), api_client(secured) as http:
            store = await store_of(db)
            await eventually(lambda: caught_up(store, positions), bool, "catch up")
            for reader in (
                bearer("agent", "ana", ["/support"]),  # Keycloak may send group paths
                bearer("agent", "bob", ["sales"]),
                bearer("agent", "cyrus"),  # in no team
            ):
                assert (await http.get(f"/v1/customers/{sara}", headers=reader)).status_code == 200

            async def readers_of_sara(headers: dict[str, str]) -> set[str]:
                page = await http.get(f"/v1/audit?customer_id={sara}", headers=headers)
                assert page.status_code == 200, page.text
                return {item["actor"] for item in page.json()["items"]}

            officer = bearer("privacy-officer", "pat")
            everyone = await eventually(
                lambda: readers_of_sara(officer), lambda a: len(a) >= 3, "sara's audit"
            )
            assert everyone == {"ana", "bob", "cyrus"}
            assert await readers_of_sara(bearer("admin", "root")) == everyone

            support_lead = bearer("supervisor", "sue", ["support"])
            assert await readers_of_sara(support_lead) == {"ana"}
            assert await readers_of_sara(bearer("supervisor", "sam", ["sales", "support"])) == {
                "ana",
                "bob",
            }
            other_team = await http.get(
                "/v1/audit?actor=ana", headers=bearer("supervisor", "sal", ["sales"])
            )
            assert other_team.json()["items"] == []
            own_team = (await http.get("/v1/audit?actor=ana", headers=support_lead)).json()
            assert [i["actor_teams"] for i in own_team["items"]] == [["support"]]

            teamless = await http.get(
                f"/v1/audit?customer_id={sara}", headers=bearer("supervisor", "tim")
            )
            assert teamless.status_code == 403
            assert "team" in teamless.json()["detail"]
    finally:
        auditing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await auditing
