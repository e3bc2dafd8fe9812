"""JSON calls from one c360 service to another on a hot path, over aiohttp.

Ingestion asks the contacts service for the customers of every request. Measured on this
project's 2-core machine against one FastAPI endpoint, httpx (pure-Python HTTP/1.1 parsing and
pool bookkeeping) spent 1.1-2.4 ms of CPU per request and aiohttp (C parser) 0.2 ms, so the
hot paths call with aiohttp; occasional calls (tokens, the ops CLI) keep httpx.
"""

from typing import Any, Protocol

import aiohttp
import orjson

from shared.auth.client import ServiceAuth

JSON = {"content-type": "application/json"}


class CallFailed(Exception):
    """The other service answered with an error status."""

    def __init__(self, url: str, status: int, detail: bytes) -> None:
        super().__init__(f"{url} answered {status}: {detail[:300].decode(errors='replace')}")
        self.status = status


class JsonCalls(Protocol):
    """What a caller needs of another service: post JSON, read JSON; an error status raises."""

    async def post_json(self, path: str, body: Any) -> Any: ...

    async def get_json(self, path: str) -> Any: ...

    async def close(self) -> None: ...


class ServiceCalls:
    """`JsonCalls` on a pooled aiohttp session (opened on first use, inside the event loop),
    carrying the service's own token when authentication is on."""

    def __init__(
        self,
        base_url: str,
        auth: ServiceAuth | None,
        *,
        timeout_s: float,
        connect_timeout_s: float,
        connections: int,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, connect=connect_timeout_s)
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def post_json(self, path: str, body: Any) -> Any:
        return await self._call("POST", path, orjson.dumps(body))

    async def get_json(self, path: str) -> Any:
        return await self._call("GET", path, None)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, method: str, path: str, data: bytes | None) -> Any:
        url = f"{self.base_url}{path}"
        status, answer = await self._send(method, url, data)
        if status == 401 and self.auth is not None:  # revoked or rotated early: once more
            self.auth.forget()
            status, answer = await self._send(method, url, data)
        if status >= 400:
            raise CallFailed(url, status, answer)
        return orjson.loads(answer) if answer else None

    async def _send(self, method: str, url: str, data: bytes | None) -> tuple[int, bytes]:
        headers = dict(JSON)
        if self.auth is not None:
            headers["authorization"] = f"Bearer {await self.auth.bearer()}"
        try:
            return await self._request(method, url, data, headers)
        except aiohttp.ClientConnectionError:
            # A pooled connection the server closed just as it was reused: once more on a new
            # one. Every call between c360 services is safe to repeat (resolution, reads).
            return await self._request(method, url, data, headers)

    async def _request(
        self, method: str, url: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        async with self._pool().request(method, url, data=data, headers=headers) as response:
            return response.status, await response.read()

    def _pool(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Idle connections are dropped before the server would close them (uvicorn: 5 s).
            connector = aiohttp.TCPConnector(limit=self.connections, keepalive_timeout=2.0)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout)
        return self._session
