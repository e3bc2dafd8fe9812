"""Small helpers for talking to the contacts API in tests."""

from typing import Any

import httpx

PROBLEM = "application/problem+json"
Json = dict[str, Any]


def problem(response: httpx.Response, status: int) -> Json:
    """The problem body, after checking status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: Json = response.json()
    assert body["status"] == status
    return body


def fields(body: Json) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


async def create(api: httpx.AsyncClient, **body: object) -> Json:
    response = await api.post("/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created
