"""Subject access export on the contacts service alone: with the other owners of the person's data
down (closed ports, see conftest), the export is refused naming the missing part, never answered
partial. The whole document, with every owner up, is proven in `tests/e2e/privacy`."""

import httpx

from shared.http.problems import PROBLEM_JSON

WHEN = "2026-11-01T09:00:00+03:30"


async def test_an_export_whose_other_owners_do_not_answer_is_a_503_naming_the_part(
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

    assert export.status_code == 503, export.text
    assert export.headers["content-type"] == PROBLEM_JSON
    assert export.headers["retry-after"]
    problem = export.json()
    assert [e["field"] for e in problem["errors"]] == ["view"]
    assert "did not answer" in problem["errors"][0]["reason"]
    assert "نرگس" not in export.text  # nothing of the person leaks into the refusal


async def test_an_unknown_customer_is_a_404_before_any_owner_is_asked(
    api: httpx.AsyncClient,
) -> None:
    assert (await api.get("/v1/contacts/c_nobody/export")).status_code == 404


async def test_an_erased_contact_has_nothing_to_export(api: httpx.AsyncClient) -> None:
    created = await api.post("/v1/contacts", json={"name": "Erased Person"})
    customer_id = created.json()["customer_id"]
    erased = await api.delete(f"/v1/contacts/{customer_id}", params={"reason": "art. 17"})
    assert erased.status_code == 200, erased.text
    assert (await api.get(f"/v1/contacts/{customer_id}/export")).status_code == 410
