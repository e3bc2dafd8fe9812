"""Explicit, reversible merges on the real broker and store."""

import httpx
import pytest

from shared.settings import Settings
from tests.integration.contacts.api import Json, create, fields, problem
from tests.integration.contacts.log import contact_records

pytestmark = pytest.mark.integration


async def owner_of(api: httpx.AsyncClient, kind: str, value: str) -> str:
    found = await api.get(f"/v1/identities/{kind}/{value}")
    assert found.status_code == 200, found.text
    customer_id: str = found.json()["customer_id"]
    return customer_id


async def contact(api: httpx.AsyncClient, customer_id: str) -> Json:
    found = await api.get(f"/v1/contacts/{customer_id}")
    assert found.status_code == 200, found.text
    body: Json = found.json()
    return body


async def test_merge_then_unmerge_restores_both_customers_and_their_identifiers(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    a = await create(
        api,
        name="Sara",
        emails=["sara@example.com"],
        phones=["+989121000001"],
        external_ids={"crm": "A"},
    )
    b = await create(
        api,
        name="S. Ahmadi",
        emails=["s.ahmadi@example.com"],
        phones=["+989121000002"],
        external_ids={"crm": "B", "loyalty": "L-9"},
        tags=["walk-in"],
    )
    a_id, b_id = a["customer_id"], b["customer_id"]
    a_before, b_before = await contact(api, a_id), await contact(api, b_id)

    merged = await api.post(
        "/v1/contacts/merge",
        json={"survivor_id": a_id, "merged_id": b_id, "reason": "same person", "actor": "agent-7"},
    )
    assert merged.status_code == 200, merged.text
    survivor = merged.json()
    assert survivor["customer_id"] == a_id
    assert survivor["merged_from"] == [b_id]
    assert survivor["emails"] == ["sara@example.com", "s.ahmadi@example.com"]
    assert survivor["phones"] == ["+989121000001", "+989121000002"]
    assert survivor["external_ids"] == {"crm": "A", "loyalty": "L-9"}  # A keeps its own crm
    assert survivor["name"] == "Sara"
    # Every identifier of B, including the second crm id, now resolves to A.
    for kind, value in [
        ("phone", "09121000002"),
        ("email", "s.ahmadi@example.com"),
        ("crm", "B"),
        ("loyalty", "L-9"),
    ]:
        assert await owner_of(api, kind, value) == a_id
    redirected = await contact(api, b_id)
    assert redirected["customer_id"] == a_id
    assert redirected["resolved_from"] == b_id
    # Later changes addressed to B are routed to A.
    patched = await api.patch(f"/v1/contacts/{b_id}", json={"language": "fa"})
    assert patched.json()["customer_id"] == a_id
    # An interaction naming B's customer id resolves to the survivor.
    resolved = await api.post("/v1/identities/resolve", json={"customer_id": b_id})
    assert resolved.json()["customer_id"] == a_id

    unmerged = await api.post(f"/v1/contacts/{b_id}/unmerge", json={"reason": "two people"})
    assert unmerged.status_code == 200, unmerged.text
    restored_b, restored_a = await contact(api, b_id), await contact(api, a_id)
    assert restored_b["customer_id"] == b_id
    assert restored_b["merged_into"] is None
    ignore = {"version", "updated_at", "position"}
    assert {k: v for k, v in restored_b.items() if k not in ignore} == {
        k: v for k, v in b_before.items() if k not in ignore
    }
    assert restored_a["merged_from"] == []
    assert {k: restored_a[k] for k in ("emails", "phones", "external_ids")} == {
        k: a_before[k] for k in ("emails", "phones", "external_ids")
    }
    assert restored_a["language"] == "fa"  # A's own later change stays with A
    for kind, value in [
        ("phone", "+989121000002"),
        ("email", "s.ahmadi@example.com"),
        ("crm", "B"),
        ("loyalty", "L-9"),
    ]:
        assert await owner_of(api, kind, value) == b_id
    for kind, value in [("phone", "+989121000001"), ("crm", "A")]:
        assert await owner_of(api, kind, value) == a_id

    records = await contact_records(settings)
    merges = [r for r in records if r["event"]["type"].endswith(("contact.merged", "unmerged"))]
    assert [(r["key"], r["event"]["type"]) for r in merges] == [
        (a_id, "c360.contact.merged"),
        (a_id, "c360.contact.unmerged"),
    ]
    merge_data = merges[0]["event"]["data"]
    assert merge_data["reason"] == "same person"
    assert merge_data["actor"] == "agent-7"
    assert {i["kind"] for i in merge_data["moved_identities"]} == {
        "email",
        "phone",
        "crm",
        "loyalty",
    }
    history_b = (await api.get(f"/v1/contacts/{b_id}/history")).json()
    assert [e["type"] for e in history_b] == [
        "c360.contact.created",
        "c360.contact.merged",
        "c360.contact.unmerged",
    ]


async def test_merge_marks_the_recorded_duplicate(api: httpx.AsyncClient) -> None:
    a = await create(api, emails=["dup@example.com"])
    b = await create(api, phones=["+989121000003"])
    await api.post(
        "/v1/identities/resolve", json={"email": "dup@example.com", "phone": "+989121000003"}
    )
    body = {"survivor_id": a["customer_id"], "merged_id": b["customer_id"], "reason": "dup"}
    assert (await api.post("/v1/contacts/merge", json=body)).status_code == 200
    assert [d["status"] for d in (await api.get("/v1/duplicates")).json()] == ["merged"]
    await api.post(f"/v1/contacts/{b['customer_id']}/unmerge", json={"reason": "mistake"})
    assert [d["status"] for d in (await api.get("/v1/duplicates")).json()] == ["open"]


async def test_merge_refusals(api: httpx.AsyncClient) -> None:
    a = await create(api, name="A")
    b = await create(api, name="B")
    c = await create(api, name="C")
    a_id, b_id, c_id = a["customer_id"], b["customer_id"], c["customer_id"]

    def merge(survivor: str, merged: str, reason: str = "r") -> dict[str, str]:
        return {"survivor_id": survivor, "merged_id": merged, "reason": reason}

    itself = problem(await api.post("/v1/contacts/merge", json=merge(a_id, a_id)), 422)
    assert fields(itself) == ["merged_id"]
    problem(await api.post("/v1/contacts/merge", json=merge(a_id, "c_nobody")), 404)
    problem(await api.post("/v1/contacts/merge", json=merge("c_nobody", a_id)), 404)
    no_reason = problem(await api.post("/v1/contacts/merge", json=merge(a_id, b_id, "")), 422)
    assert fields(no_reason) == ["reason"]
    problem(await api.post(f"/v1/contacts/{a_id}/unmerge", json={"reason": "r"}), 409)
    problem(await api.post(f"/v1/contacts/{a_id}/unmerge", json={}), 422)
    problem(await api.post("/v1/contacts/c_nobody/unmerge", json={"reason": "r"}), 404)

    assert (await api.post("/v1/contacts/merge", json=merge(a_id, b_id))).status_code == 200
    again = problem(await api.post("/v1/contacts/merge", json=merge(c_id, b_id)), 409)
    assert fields(again) == ["merged_id"]
    into_merged = problem(await api.post("/v1/contacts/merge", json=merge(b_id, c_id)), 409)
    assert fields(into_merged) == ["survivor_id"]
    # A chain: A (holding B) merges into C; B must wait until A is unmerged from C.
    assert (await api.post("/v1/contacts/merge", json=merge(c_id, a_id))).status_code == 200
    assert (await contact(api, b_id))["customer_id"] == c_id
    blocked = problem(await api.post(f"/v1/contacts/{b_id}/unmerge", json={"reason": "r"}), 409)
    assert "unmerge" in blocked["detail"]
    assert (await api.post(f"/v1/contacts/{a_id}/unmerge", json={"reason": "r"})).status_code == 200
    assert (await api.post(f"/v1/contacts/{b_id}/unmerge", json={"reason": "r"})).status_code == 200
    assert (await contact(api, b_id))["customer_id"] == b_id
    # Erasure refuses to cut through a merge in either direction.
    assert (await api.post("/v1/contacts/merge", json=merge(a_id, b_id))).status_code == 200
    merged_one = problem(await api.delete(f"/v1/contacts/{b_id}"), 409)
    assert f"merged into {a_id}" in merged_one["detail"]
    survivor = problem(await api.delete(f"/v1/contacts/{a_id}"), 409)
    assert f"unmerge or erase {b_id} first" in survivor["detail"]
