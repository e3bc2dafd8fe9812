"""The contacts API applies the door's string rules to bodies, paths and queries: a 422 problem
naming the field, never a 500 — and a refused value leaves no trace that blocks later writes."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.contacts.api import create, fields, problem

pytestmark = pytest.mark.integration
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Sara\x00"}, "name"),
        ({"name": "Sara\ud800"}, "name"),
        ({"tags": ["vip\x1b"]}, "tags.0"),
        ({"address": {"city": "Teh\x00ran"}}, "address.city"),
        ({"external_ids": {"crm": "4\x002"}}, "external_ids.crm"),
    ],
)
async def test_a_body_with_a_control_character_or_surrogate_is_refused(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    # json.dumps escapes a lone surrogate as `\\ud800`, as a careless client would send it
    raw = json.dumps(body)
    answer = await api.post("/v1/contacts", content=raw, headers=JSON)
    assert fields(problem(answer, 422)) == [field]


async def test_a_nul_in_a_path_or_query_names_the_parameter(api: httpx.AsyncClient) -> None:
    assert fields(problem(await api.get("/v1/contacts/c_%00x"), 422)) == ["customer_id"]
    assert fields(problem(await api.get("/v1/contacts/c_%1bx/history"), 422)) == ["customer_id"]
    answer = await api.get("/v1/identities/phone/%00")
    assert fields(problem(answer, 422)) == ["value"]
    answer = await api.get("/v1/duplicates", params={"customer_id": "c\x00"})
    assert fields(problem(answer, 422)) == ["customer_id"]


async def test_a_refused_delete_reason_leaves_the_contact_writable(api: httpx.AsyncClient) -> None:
    customer_id = (await create(api, name="Sara"))["customer_id"]
    refused = await api.delete(f"/v1/contacts/{customer_id}", params={"reason": "gdpr\x00"})
    assert fields(problem(refused, 422)) == ["reason"]
    renamed = await api.patch(f"/v1/contacts/{customer_id}", json={"name": "Sara A."})
    assert renamed.status_code == 200, renamed.text
    erased = await api.delete(f"/v1/contacts/{customer_id}", params={"reason": "gdpr request"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] is True


async def test_merge_and_consent_reasons_follow_the_same_rules(api: httpx.AsyncClient) -> None:
    one, two = (await create(api))["customer_id"], (await create(api))["customer_id"]
    merge = {"survivor_id": one, "merged_id": two, "reason": "same\x00person"}
    assert fields(problem(await api.post("/v1/contacts/merge", json=merge), 422)) == ["reason"]
    consent = {"channel": "sms", "granted": True, "legal_basis": "consent", "source": "a\x07"}
    answer = await api.put(f"/v1/contacts/{one}/consent", json=consent)
    assert fields(problem(answer, 422)) == ["source"]
    old = {**consent, "source": "pbx", "at": "0001-01-01T00:00:00+14:00"}
    answer = await api.put(f"/v1/contacts/{one}/consent", json=old)
    assert fields(problem(answer, 422)) == ["at"]


async def test_a_chunked_body_over_the_limit_is_a_413(api: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no content-length: the size is seen streaming
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 1_000
        yield b'"}'

    answer = await api.post("/v1/contacts", content=chunks(), headers=JSON)
    assert "larger than" in problem(answer, 413)["detail"]
