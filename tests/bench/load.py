"""The benchmarks' load generator: many concurrent requests from one process, cheaply.

The client shares the 2 cores with what it measures, so its own cost is taken from the system
under test. Measured here against one FastAPI endpoint: httpx spent 1.1-2.4 ms of CPU per
request, aiohttp 0.2 ms; with httpx, the single-event benchmark's client used more CPU than the
interactions service it was measuring.
"""

from types import TracebackType
from typing import Any

import aiohttp
import orjson


class Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code = status
        self.content = body

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return orjson.loads(self.content)


class LoadClient:
    """`async with LoadClient(base_url, connections) as client`: GET and POST answering the
    status and the whole body; a dropped connection raises `aiohttp.ClientError`."""

    def __init__(
        self,
        base_url: str,
        connections: int = 64,
        timeout_s: float = 120.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.connections = connections
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.headers = headers or {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "LoadClient":
        # Idle connections are dropped before the server closes them (uvicorn: after 5 s), so a
        # request never goes out on a connection the server is closing at that moment.
        connector = aiohttp.TCPConnector(limit=self.connections, keepalive_timeout=2.0)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self.timeout, headers=self.headers
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        return await self._send("GET", path, params=params)

    async def post(
        self, path: str, content: bytes, headers: dict[str, str] | None = None
    ) -> Answer:
        return await self._send("POST", path, data=content, headers=headers)

    async def _send(self, method: str, path: str, **options: Any) -> Answer:
        assert self._session is not None, "use LoadClient in `async with`"
        async with self._session.request(method, f"{self.base_url}{path}", **options) as answer:
            return Answer(answer.status, await answer.read())
