"""Linking and resolving identifiers, and the resolver over HTTP, on the real broker and store."""

import asyncio

import httpx
import pytest

from shared.settings import Settings
from tests.integration.contacts.api import create, fields, problem
from tests.integration.contacts.log import contact_records

pytestmark = pytest.mark.integration


async def test_link_then_resolve_any_spelling(api: httpx.AsyncClient, settings: Settings) -> None:
    contact = await create(api, name="Reza")
    customer_id = contact["customer_id"]
    url = f"/v1/contacts/{customer_id}/identities"
    linked = await api.post(url, json={"kind": "phone", "value": "0912 777 8899"})
    assert linked.status_code == 201, linked.text
    assert linked.json()["phones"] == ["+989127778899"]
    assert linked.headers["ETag"] == '"2"'
    again = await api.post(url, json={"kind": "phone", "value": "+989127778899"})
    assert again.status_code == 200
    assert again.json()["version"] == 2

    for spelling in ["+989127778899", "09127778899", "۰۹۱۲۷۷۷۸۸۹۹", "٠٩١٢٧٧٧٨٨٩٩"]:
        found = await api.get(f"/v1/identities/phone/{spelling}")
        assert found.status_code == 200, found.text
        assert found.json() == {
            "kind": "phone",
            "value": "+989127778899",
            "key": "phone:+989127778899",
            "customer_id": customer_id,
            "owner_id": customer_id,
        }
    await api.post(url, json={"kind": "email", "value": "Reza@Example.com"})
    by_email = await api.get("/v1/identities/email/REZA@example.com")
    assert by_email.json()["customer_id"] == customer_id
    await api.post(url, json={"kind": "crm", "value": "C-77"})
    assert (await api.get("/v1/identities/crm/C-77")).json()["customer_id"] == customer_id

    events = [r["event"] for r in await contact_records(settings)]
    linked_events = [e["data"]["identity"] for e in events if e["type"].endswith("linked")]
    assert linked_events == [
        {"kind": "phone", "value": "+989127778899"},
        {"kind": "email", "value": "reza@example.com"},
        {"kind": "crm", "value": "C-77"},
    ]


async def test_link_refusals(api: httpx.AsyncClient) -> None:
    owner = await create(api, phones=["+989120001111"], external_ids={"crm": "1"})
    other = await create(api, name="Other")
    url = f"/v1/contacts/{other['customer_id']}/identities"
    taken = problem(await api.post(url, json={"kind": "phone", "value": "09120001111"}), 409)
    assert taken["owner_id"] == owner["customer_id"]
    assert fields(taken) == ["value"]
    bad_phone = problem(await api.post(url, json={"kind": "phone", "value": "12"}), 422)
    assert fields(bad_phone) == ["value"]
    bad_email = problem(await api.post(url, json={"kind": "email", "value": "x@"}), 422)
    assert fields(bad_email) == ["value"]
    reserved = problem(await api.post(url, json={"kind": "customer", "value": "1"}), 422)
    assert "reserved" in reserved["errors"][0]["reason"]
    problem(await api.post(url, json={"kind": "phone"}), 422)
    own_url = f"/v1/contacts/{owner['customer_id']}/identities"
    second_crm = problem(await api.post(own_url, json={"kind": "crm", "value": "2"}), 409)
    assert "already has crm id" in second_crm["detail"]


async def test_resolve_refusals(api: httpx.AsyncClient) -> None:
    problem(await api.get("/v1/identities/phone/+989129999999"), 404)
    assert fields(problem(await api.get("/v1/identities/phone/abc"), 422)) == ["value"]
    assert fields(problem(await api.get("/v1/identities/email/nope"), 422)) == ["value"]


async def test_fifty_parallel_first_sightings_over_http_make_one_customer(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    spellings = ["+989124445566", "09124445566", "۰۹۱۲۴۴۴۵۵۶۶", "0098 912 444 5566"]
    answers = await asyncio.gather(
        *(api.post("/v1/identities/resolve", json={"phone": spellings[i % 4]}) for i in range(50))
    )
    assert {a.status_code for a in answers} == {200}
    results = [a.json() for a in answers]
    assert len({r["customer_id"] for r in results}) == 1
    assert sum(r["created"] for r in results) == 1
    created = [
        r for r in await contact_records(settings) if r["event"]["type"] == "c360.contact.created"
    ]
    assert len(created) == 1
    assert created[0]["event"]["data"]["origin"] == "auto"


async def test_conflicting_identifiers_are_recorded_never_merged(api: httpx.AsyncClient) -> None:
    ana = await create(api, emails=["ana@example.com"])
    bob = await create(api, phones=["+989123334455"])
    resolved = await api.post(
        "/v1/identities/resolve", json={"email": "ana@example.com", "phone": "09123334455"}
    )
    assert resolved.status_code == 200
    assert resolved.json() == {
        "customer_id": ana["customer_id"],
        "created": False,
        "conflicts": [bob["customer_id"]],
    }
    # Both customers are untouched: nothing merged silently.
    assert (await api.get(f"/v1/contacts/{bob['customer_id']}")).json()["version"] == 1
    assert (await api.get(f"/v1/contacts/{ana['customer_id']}")).json()["phones"] == []

    listed = (await api.get("/v1/duplicates")).json()
    assert len(listed) == 1
    assert listed[0]["customers"] == sorted([ana["customer_id"], bob["customer_id"]])
    assert listed[0]["keys"] == ["email:ana@example.com", "phone:+989123334455"]
    assert listed[0]["status"] == "open"
    mine = await api.get("/v1/duplicates", params={"customer_id": bob["customer_id"]})
    assert len(mine.json()) == 1
    assert (await api.get("/v1/duplicates", params={"status": "merged"})).json() == []
    problem(await api.get("/v1/duplicates", params={"status": "maybe"}), 422)


async def test_resolve_endpoint_refusals(api: httpx.AsyncClient) -> None:
    empty = problem(await api.post("/v1/identities/resolve", json={}), 422)
    assert "at least one of" in empty["errors"][0]["reason"]
    bad = problem(await api.post("/v1/identities/resolve", json={"phone": "12"}), 422)
    assert fields(bad) == ["customer.phone"]
    unknown = problem(
        await api.post("/v1/identities/resolve", json={"customer_id": "c_nobody"}), 422
    )
    assert fields(unknown) == ["customer.customer_id"]
