"""A service's calls to another, answered by that service's app in this process (no port)."""

from typing import Any

import httpx
import orjson
from fastapi import FastAPI

from shared.auth.client import ServiceAuth
from shared.http.calls import CallFailed


class AsgiCalls:
    """`JsonCalls` on an ASGI app: the real code of the service asked, without a server."""

    def __init__(self, app: FastAPI, auth: ServiceAuth | None = None) -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://asked", auth=auth
        )

    async def post_json(self, path: str, body: Any) -> Any:
        headers = {"content-type": "application/json"}
        return self._read(await self.http.post(path, content=orjson.dumps(body), headers=headers))

    async def get_json(self, path: str) -> Any:
        return self._read(await self.http.get(path))

    async def close(self) -> None:
        await self.http.aclose()

    def _read(self, answer: httpx.Response) -> Any:
        if answer.status_code >= 400:
            raise CallFailed(str(answer.url), answer.status_code, answer.content)
        return orjson.loads(answer.content) if answer.content else None
