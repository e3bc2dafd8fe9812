"""kill -9 the contacts service between committing a change and publishing it (and between
publishing it and clearing the outbox): after a restart the event is in the log exactly once."""

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.contacts.adapters.stored import commit_of
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.contacts.log import contact_records
from tests.integration.contacts.polling import eventually
from tests.processes import ServiceProcess, free_port, settings_env

pytestmark = pytest.mark.fault
LEASE_S = 3.0


@pytest.fixture
def service(settings: Settings, catalog: Topics) -> Iterator[dict[str, Any]]:
    """How to start the contacts service on the test's topics, database and a free port."""
    port = free_port()
    fast = settings.model_copy(update={"outbox_lease_seconds": LEASE_S, "contacts_port": port})
    started: list[ServiceProcess] = []

    def start(**extra: str) -> ServiceProcess:
        process = ServiceProcess(
            "services.contacts",
            settings_env(fast, **extra),
            ready_url=f"http://127.0.0.1:{port}/readyz",
            name="contacts",
        )
        started.append(process.start())
        return process

    yield {"start": start, "url": f"http://127.0.0.1:{port}"}
    for process in started:
        process.stop()


async def created_records(settings: Settings) -> list[dict[str, Any]]:
    return [
        r for r in await contact_records(settings) if r["event"]["type"] == "c360.contact.created"
    ]


async def outbox_empty(db: AsyncDatabase[Document]) -> bool:
    return await db["outbox"].count_documents({}) == 0


@pytest.mark.parametrize("pause_at", ["committed", "published"])
async def test_event_appears_exactly_once_after_kill_and_restart(
    service: dict[str, Any], settings: Settings, db: AsyncDatabase[Document], pause_at: str
) -> None:
    crashing = service["start"](C360_FAULT_PAUSE_AT=pause_at)
    async with httpx.AsyncClient(base_url=service["url"], timeout=120) as client:
        request = asyncio.create_task(
            client.post("/v1/contacts", json={"name": "Crash", "phones": ["09125550999"]})
        )
        stored = await eventually(
            lambda: db["contact_events"].find_one({}), "the change to be committed"
        )
        commit = commit_of(stored)
        assert commit is not None
        event_id = commit["event"]["id"]
        customer_id = commit["states"][0]["customer_id"]
        if pause_at == "published":
            await eventually(lambda: created_records(settings), "the event to reach Kafka")
        else:
            assert await created_records(settings) == []  # killed before the publish
        assert await db["contacts"].find_one({"_id": customer_id}) is None  # before the apply
        crashing.kill9()
        with contextlib.suppress(httpx.HTTPError):
            await request

    service["start"]()  # recovery takes over once the dead run's lease has expired
    await eventually(lambda: outbox_empty(db), "recovery to clear the outbox")
    records = await created_records(settings)
    assert [r["event"]["id"] for r in records] == [event_id]
    assert records[0]["key"] == customer_id

    async with httpx.AsyncClient(base_url=service["url"], timeout=30) as client:
        contact = await client.get(f"/v1/contacts/{customer_id}")
        assert contact.status_code == 200, contact.text
        assert contact.json()["phones"] == ["+989125550999"]
        # The customer is not stuck: the next change commits as version 2.
        patched = await client.patch(
            f"/v1/contacts/{customer_id}", json={"name": "Recovered"}, headers={"If-Match": '"1"'}
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["version"] == 2
    types = [r["event"]["type"] for r in await contact_records(settings)]
    assert types == ["c360.contact.created", "c360.contact.updated"]


@pytest.mark.parametrize("pause_at", ["committed", "published"])
async def test_first_sightings_created_together_appear_once_each_after_kill_and_restart(
    service: dict[str, Any], settings: Settings, db: AsyncDatabase[Document], pause_at: str
) -> None:
    # A batch of first sightings is created in one journal append: every step done for all
    # of them at once. Killed at either step, recovery rolls every commit forward once.
    phones = [f"09125551{n:03d}" for n in range(20)]
    crashing = service["start"](C360_FAULT_PAUSE_AT=pause_at)
    async with httpx.AsyncClient(base_url=service["url"], timeout=120) as client:
        request = asyncio.create_task(
            client.post(
                "/v1/identities/resolve/batch", json={"customers": [{"phone": p} for p in phones]}
            )
        )

        async def all_committed() -> bool:
            return await db["contact_events"].count_documents({}) == len(phones)

        await eventually(all_committed, "the twenty changes to be committed")
        if pause_at == "published":
            await eventually(
                lambda: _at_least(created_records(settings), len(phones)), "the events in Kafka"
            )
        else:
            assert await created_records(settings) == []  # killed before the publish
        assert await db["contacts"].count_documents({}) == 0  # before the apply
        crashing.kill9()
        with contextlib.suppress(httpx.HTTPError):
            await request

    service["start"]()
    await eventually(lambda: outbox_empty(db), "recovery to clear the outbox")
    records = await created_records(settings)
    stored = [doc async for doc in db["contact_events"].find({})]
    event_ids = [c["event"]["id"] for c in map(commit_of, stored) if c is not None]
    assert len(event_ids) == len(stored)  # every one a commit, none a pointer
    assert sorted(r["event"]["id"] for r in records) == sorted(event_ids)
    assert len(records) == len(phones)
    async with httpx.AsyncClient(base_url=service["url"], timeout=30) as client:
        again = await client.post(
            "/v1/identities/resolve/batch", json={"customers": [{"phone": p} for p in phones]}
        )
        assert again.status_code == 200, again.text
        results = again.json()["results"]
    assert all(r["created"] is False for r in results)
    assert sorted(r["customer_id"] for r in results) == sorted(r["key"] for r in records)


async def _at_least(records: Any, count: int) -> bool:
    return len(await records) >= count
