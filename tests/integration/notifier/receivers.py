"""Real local receivers for the notifier's channels: an HTTP server and an SMTP server.

`HttpReceiver` records every request and answers from a script (e.g. 500 then 200 for one path);
`SmtpReceiver` is aiosmtpd, a real SMTP server, recording every message.
"""

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller

from tests.processes import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    arrived_at: datetime

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def notification_id(self) -> str:
        return self.headers.get("C360-Notification-Id") or self.headers["Idempotency-Key"]


@dataclass
class HttpReceiver:
    """`answers[path]` is consumed one status per request, then 200; `delay_s` holds each reply."""

    answers: dict[str, list[int]] = field(default_factory=dict)
    delay_s: float = 0.0
    requests: list[Received] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> "HttpReceiver":
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        arrived_at = datetime.now(UTC)
        body = await request.read()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        scripted = self.answers.get(request.path, [])
        status = scripted.pop(0) if scripted else 200
        self.requests.append(
            Received(request.path, dict(request.headers), body, status, arrived_at)
        )
        return web.json_response({"status": status}, status=status)

    def accepted(self, path: str | None = None) -> list[Received]:
        return [r for r in self.requests if r.status < 300 and path in (None, r.path)]


class _Recorder:
    def __init__(self, sink: list[EmailMessage]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.append(parsed)
        return "250 OK"


@dataclass
class SmtpReceiver:
    messages: list[EmailMessage] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _controller: Controller | None = None

    def start(self) -> "SmtpReceiver":
        self._controller = Controller(
            _Recorder(self.messages), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def ids(self) -> list[str]:
        return [str(m["C360-Notification-Id"]).strip() for m in self.messages]


async def eventually(check: Callable[[], Any], what: str, timeout_s: float = 120.0) -> Any:
    """Poll `check` until it returns a truthy value; fail with `what` after the deadline."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


@pytest.fixture
async def http() -> AsyncIterator[HttpReceiver]:
    """A local HTTP receiver (webhooks, the SMS provider), one per test."""
    receiver = await HttpReceiver().start()
    yield receiver
    await receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """A local SMTP server (aiosmtpd), one per test."""
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()
