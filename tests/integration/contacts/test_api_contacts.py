"""`/v1/contacts` against the real broker and store: happy paths and every bad input."""

import asyncio

import httpx
import pytest

from shared.settings import Settings
from tests.integration.contacts.api import Json, create, fields, problem
from tests.integration.contacts.log import contact_records

pytestmark = pytest.mark.integration


async def test_create_normalises_and_publishes_one_event(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    response = await api.post(
        "/v1/contacts",
        json={
            "name": "Sara Ahmadi",
            "emails": ["Sara@Example.COM"],
            "phones": ["۰۹۱۲ ۱۲۳ ۴۵۶۷"],
            "external_ids": {"crm": " 42 "},
            "birthday": "1990-04-01",
            "language": "fa",
            "timezone": "Asia/Tehran",
            "address": {"city": "Tehran", "country": "IR"},
            "tags": ["vip"],
            "preferred_channel": "sms",
            "consent": {
                "sms": {"granted": True, "legal_basis": "consent", "at": "2024-05-01T10:00:00Z"}
            },
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    customer_id = body["customer_id"]
    assert customer_id.startswith("c_")
    assert len(customer_id) == 22
    assert response.headers["Location"] == f"/v1/contacts/{customer_id}"
    assert response.headers["ETag"] == '"1"'
    assert body["emails"] == ["sara@example.com"]
    assert body["phones"] == ["+989121234567"]
    assert body["external_ids"] == {"crm": "42"}
    assert body["consent"]["sms"]["granted"] is True
    assert body["origin"] == "api"
    assert body["position"]

    records = await contact_records(settings)
    assert [(r["key"], r["event"]["type"]) for r in records] == [
        (customer_id, "c360.contact.created")
    ]
    event = records[0]["event"]
    assert event["source"] == "services/contacts"
    assert event["subject"] == customer_id
    assert event["data"]["profile"]["phones"] == ["+989121234567"]

    fetched = await api.get(f"/v1/contacts/{customer_id}")
    assert fetched.status_code == 200
    assert fetched.headers["ETag"] == '"1"'
    assert fetched.json()["name"] == "Sara Ahmadi"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"emails": ["not-an-email"]}, "emails.0", 422),
        ({"phones": ["0912"]}, "phones.0", 422),
        ({"phones": ["+98 912 123 4567", "call me"]}, "phones.1", 422),
        ({"external_ids": {"Bad.System": "1"}}, "external_ids.Bad.System.[key]", 422),
        ({"timezone": "Mars/Olympus"}, "timezone", 422),
        ({"language": "not a language"}, "language", 422),
        ({"birthday": "2999-01-01"}, "birthday", 422),
        ({"preferred_channel": "pigeon"}, "preferred_channel", 422),
        ({"consent": {"sms": {"granted": True}}}, "consent.sms.legal_basis", 422),
        ({"nickname": "x"}, "nickname", 422),
        ({"address": {"country": "Iran"}}, "address.country", 422),
    ],
)
async def test_create_rejects_bad_fields_by_name(
    api: httpx.AsyncClient, body: Json, field: str, status: int
) -> None:
    answer = problem(await api.post("/v1/contacts", json=body), status)
    assert field in fields(answer)


async def test_malformed_and_oversized_bodies(api: httpx.AsyncClient) -> None:
    malformed = await api.post(
        "/v1/contacts", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert "not valid JSON" in problem(malformed, 400)["detail"]
    not_an_object = await api.post("/v1/contacts", json=["a"])
    problem(not_an_object, 422)
    huge = await api.post("/v1/contacts", json={"name": "x" * 10_000})
    assert "larger than" in problem(huge, 413)["detail"]


async def test_an_identifier_of_another_customer_is_a_409_naming_the_owner(
    api: httpx.AsyncClient,
) -> None:
    owner = await create(api, phones=["+989121110000"])
    taken = await api.post("/v1/contacts", json={"emails": ["x@y.com"], "phones": ["09121110000"]})
    body = problem(taken, 409)
    assert body["owner_id"] == owner["customer_id"]
    assert fields(body) == ["phones"]
    assert owner["customer_id"] in body["detail"]
    # The failed create left nothing claimed: the email is still free.
    assert (await api.get("/v1/identities/email/x@y.com")).status_code == 404


async def test_unknown_ids_are_404(api: httpx.AsyncClient) -> None:
    problem(await api.get("/v1/contacts/c_unknown"), 404)
    problem(await api.patch("/v1/contacts/c_unknown", json={"name": "x"}), 404)
    problem(await api.get("/v1/contacts/c_unknown/history"), 404)
    consent = {"channel": "sms", "granted": True, "legal_basis": "consent"}
    problem(await api.put("/v1/contacts/c_unknown/consent", json=consent), 404)
    problem(await api.post("/v1/contacts/c_unknown/identities", json=consent | {}), 422)
    link = {"kind": "email", "value": "a@b.com"}
    problem(await api.post("/v1/contacts/c_unknown/identities", json=link), 404)
    problem(await api.delete("/v1/contacts/c_unknown"), 404)
    problem(await api.get(f"/v1/contacts/{'x' * 65}"), 422)


async def test_patch_with_if_match(api: httpx.AsyncClient, settings: Settings) -> None:
    contact = await create(api, name="Ali")
    url = f"/v1/contacts/{contact['customer_id']}"
    updated = await api.patch(url, json={"name": "Ali Rezaei"}, headers={"If-Match": '"1"'})
    assert updated.status_code == 200, updated.text
    assert updated.headers["ETag"] == '"2"'
    assert updated.json()["name"] == "Ali Rezaei"

    stale = await api.patch(url, json={"name": "Stale"}, headers={"If-Match": '"1"'})
    assert problem(stale, 412)["current_version"] == 2
    problem(await api.patch(url, json={"name": "x"}, headers={"If-Match": "abc"}), 400)
    assert fields(problem(await api.patch(url, json={"name": None}), 422)) == ["name"]
    assert "emails" in fields(problem(await api.patch(url, json={"emails": ["a@b.com"]}), 422))
    problem(await api.patch(url, json={}), 422)

    weak = await api.patch(url, json={"tags": ["gold"]}, headers={"If-Match": 'W/"2"'})
    assert weak.json()["version"] == 3
    unconditional = await api.patch(url, json={"language": "en-GB", "address": {"city": "Rasht"}})
    assert unconditional.json()["version"] == 4
    assert unconditional.json()["address"]["city"] == "Rasht"
    same = await api.patch(url, json={"language": "en-GB"})  # no change: no event
    assert same.json()["version"] == 4

    events = [r["event"] for r in await contact_records(settings)]
    updates = [e["data"]["changes"] for e in events if e["type"] == "c360.contact.updated"]
    assert updates == [
        {"name": "Ali Rezaei"},
        {"tags": ["gold"]},
        {"language": "en-GB", "address": {"city": "Rasht"}},
    ]


async def test_concurrent_patches_with_the_same_if_match_let_one_win(
    api: httpx.AsyncClient,
) -> None:
    contact = await create(api, name="Race")
    url = f"/v1/contacts/{contact['customer_id']}"
    answers = await asyncio.gather(
        *(
            api.patch(url, json={"name": f"writer {i}"}, headers={"If-Match": '"1"'})
            for i in range(8)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [412] * 7
    final = (await api.get(url)).json()
    assert final["version"] == 2


async def test_consent_per_channel(api: httpx.AsyncClient, settings: Settings) -> None:
    contact = await create(api, phones=["+989121112233"])
    url = f"/v1/contacts/{contact['customer_id']}/consent"
    granted = await api.put(
        url,
        json={
            "channel": "whatsapp",
            "granted": True,
            "legal_basis": "consent",
            "at": "2024-06-01T08:00:00+03:30",
            "source": "call with agent 7",
        },
    )
    assert granted.status_code == 200, granted.text
    consent = granted.json()["consent"]["whatsapp"]
    assert consent["granted"] is True
    assert consent["legal_basis"] == "consent"
    withdrawn = await api.put(url, json={"channel": "post", "granted": False, "legal_basis": "x"})
    assert withdrawn.json()["consent"]["post"]["granted"] is False
    assert set(withdrawn.json()["consent"]) == {"whatsapp", "post"}

    problem(await api.put(url, json={"channel": "fax", "granted": True, "legal_basis": "x"}), 422)
    naive = {"channel": "sms", "granted": True, "legal_basis": "x", "at": "2024-06-01T08:00:00"}
    assert "at" in fields(problem(await api.put(url, json=naive), 422))
    events = [r["event"] for r in await contact_records(settings)]
    changed = [e["data"]["channel"] for e in events if e["type"] == "c360.contact.consent.changed"]
    assert changed == ["whatsapp", "post"]


async def test_history_lists_the_contacts_events_in_order(api: httpx.AsyncClient) -> None:
    contact = await create(api, name="H")
    customer_id = contact["customer_id"]
    await api.patch(f"/v1/contacts/{customer_id}", json={"name": "H2"})
    await api.post(
        f"/v1/contacts/{customer_id}/identities", json={"kind": "loyalty", "value": "L-1"}
    )
    history = await api.get(f"/v1/contacts/{customer_id}/history")
    assert history.status_code == 200
    assert [e["type"] for e in history.json()] == [
        "c360.contact.created",
        "c360.contact.updated",
        "c360.contact.identity.linked",
    ]
    latest = await api.get(f"/v1/contacts/{customer_id}/history", params={"limit": 1})
    assert [e["type"] for e in latest.json()] == ["c360.contact.identity.linked"]
    problem(await api.get(f"/v1/contacts/{customer_id}/history", params={"limit": 0}), 422)


async def test_erase_keeps_a_tombstone_and_frees_identifiers(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    contact = await create(api, name="Gone", emails=["gone@example.com"])
    customer_id = contact["customer_id"]
    erased = await api.delete(f"/v1/contacts/{customer_id}", params={"reason": "GDPR art. 17"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] is True
    assert erased.json()["name"] is None
    assert erased.json()["emails"] == []
    problem(await api.get(f"/v1/contacts/{customer_id}"), 410)
    problem(await api.get(f"/v1/contacts/{customer_id}/history"), 410)
    gone = problem(await api.post("/v1/identities/resolve", json={"customer_id": customer_id}), 422)
    assert fields(gone) == ["customer.customer_id"]
    problem(await api.get("/v1/identities/email/gone@example.com"), 404)
    events = [r["event"] for r in await contact_records(settings)]
    assert events[-1]["type"] == "c360.contact.erased"
    assert events[-1]["data"]["reason"] == "GDPR art. 17"


async def test_operations_endpoints_and_published_openapi(api: httpx.AsyncClient) -> None:
    ready = await api.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"kafka": "ok", "store": "ok"}
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    await create(api, name="Metered")
    metrics = (await api.get("/metrics")).text
    assert 'c360_contact_changes_total{event="created"}' in metrics
    paths = (await api.get("/openapi.json")).json()["paths"]
    assert {"/v1/contacts", "/v1/contacts/merge", "/v1/identities/{kind}/{value}"} <= set(paths)


async def test_a_contact_created_with_its_acquisition_publishes_it(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    acquisition = {"channel": "paid_search", "campaign": "spring", "source": "adapters/web"}
    response = await api.post(
        "/v1/contacts", json={"emails": ["lead@example.com"], "acquisition": acquisition}
    )
    assert response.status_code == 201, response.text
    [created] = [
        r["event"]
        for r in await contact_records(settings)
        if r["key"] == response.json()["customer_id"]
    ]
    assert created["dataschema"] == "urn:c360:schema:c360.contact.created:v2"
    assert created["data"]["acquisition"] == acquisition
    refused = await api.post("/v1/contacts", json={"acquisition": {"campaign": "no channel"}})
    assert "acquisition.channel" in fields(problem(refused, 422))


async def test_consent_with_if_match_refuses_a_stale_version(api: httpx.AsyncClient) -> None:
    contact = await create(api, name="Consent race")
    url = f"/v1/contacts/{contact['customer_id']}/consent"
    sms = {"channel": "sms", "granted": True, "legal_basis": "consent"}
    fresh = await api.put(url, json=sms, headers={"If-Match": '"1"'})
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["ETag"] == '"2"'
    withdraw = {**sms, "granted": False}
    stale = await api.put(url, json=withdraw, headers={"If-Match": '"1"'})
    assert problem(stale, 412)["current_version"] == 2
    assert (await api.get(f"/v1/contacts/{contact['customer_id']}")).json()["consent"]["sms"][
        "granted"
    ] is True
