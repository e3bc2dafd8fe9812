"""The HTTP adapter of subject access's `Read` port: GETs another owner's API as the caller.

The caller's bearer token goes along, so each owner checks the caller's own role and its audit
records the caller (the privacy officer), not a service account, as the one who read the data.
"""

from typing import Any

import httpx

from shared.privacy.subject_access import Answer, OwnerDown


class OwnersApi:
    def __init__(self, client: httpx.AsyncClient, authorization: str | None) -> None:
        self.client = client
        self.headers = {"authorization": authorization} if authorization else {}

    async def __call__(self, base: str, path: str, params: dict[str, Any]) -> Answer | None:
        url = f"{base.rstrip('/')}{path}"
        try:
            answer = await self.client.get(url, params=params, headers=self.headers)
        except httpx.HTTPError as exc:
            raise OwnerDown(f"{base} did not answer: {exc or type(exc).__name__}") from exc
        if answer.status_code in (404, 410):
            return None
        if answer.status_code >= 400:
            raise OwnerDown(f"{url} answered {answer.status_code}: {answer.text[:300]}")
        document: Answer = answer.json()
        return document
