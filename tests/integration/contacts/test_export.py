"""Subject access export: everything the contacts service holds on a person, in one document."""

import httpx

WHEN = "2026-11-01T09:00:00+03:30"


async def test_the_export_holds_profile_identifiers_consent_history_and_events(
    api: httpx.AsyncClient,
) -> None:
    created = await api.post(
        "/v1/contacts",
        json={"name": "نرگس کریمی", "phones": ["0912 777 6655"], "emails": ["Narges@Example.com"]},
    )
    assert created.status_code == 201, created.text
    customer_id = created.json()["customer_id"]
    consent = {"channel": "sms", "granted": True, "legal_basis": "consent", "at": WHEN}
    changed = await api.put(f"/v1/contacts/{customer_id}/consent", json=consent)
    assert changed.status_code == 200, changed.text

    export = await api.get(f"/v1/contacts/{customer_id}/export")

    assert export.status_code == 200, export.text
    document = export.json()
    assert document["contact"]["name"] == "نرگس کریمی"
    assert document["contact"]["phones"] == ["+989127776655"]
    assert document["contact"]["emails"] == ["narges@example.com"]
    [change] = document["consent_history"]
    assert change["data"]["consent"]["legal_basis"] == "consent"
    assert [e["type"] for e in document["history"]] == [
        "c360.contact.created",
        "c360.contact.consent.changed",
    ]
    assert "timeline" in document["held_elsewhere"]


async def test_an_erased_contact_has_nothing_to_export(api: httpx.AsyncClient) -> None:
    created = await api.post("/v1/contacts", json={"name": "Erased Person"})
    customer_id = created.json()["customer_id"]
    erased = await api.delete(f"/v1/contacts/{customer_id}", params={"reason": "art. 17"})
    assert erased.status_code == 200, erased.text
    assert (await api.get(f"/v1/contacts/{customer_id}/export")).status_code == 410
