"""Calls between services over aiohttp, against a real local HTTP server standing in for the
service asked and the token issuer: JSON both ways, the service's token on every call, a fresh
token once after a 401, and an error status raised with its detail."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from shared.auth.client import ServiceAuth
from shared.http.calls import CallFailed, ServiceCalls
from shared.settings import Settings


class Asked:
    def __init__(self) -> None:
        self.tokens_issued = 0
        self.revoked: set[str] = set()
        self.seen: list[str] = []
        self.flaky_calls = 0

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        assert form["grant_type"] == "client_credentials"
        self.tokens_issued += 1
        return web.json_response({"access_token": f"t{self.tokens_issued}", "expires_in": 300})

    async def echo(self, request: web.Request) -> web.Response:
        bearer = request.headers.get("authorization", "")
        self.seen.append(bearer)
        if bearer.removeprefix("Bearer ") in self.revoked:
            return web.json_response({"title": "token revoked"}, status=401)
        body = await request.json() if request.can_read_body else None
        return web.json_response({"got": body, "path": request.path})

    async def flaky(self, request: web.Request) -> web.Response:
        """Drops the connection without an answer the first time (a server closing an idle
        keep-alive connection just as it is reused looks the same to the client)."""
        self.flaky_calls += 1
        if self.flaky_calls == 1:
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("closed")
        return web.json_response({"attempt": self.flaky_calls})

    async def broken(self, request: web.Request) -> web.Response:
        return web.json_response({"detail": "the customers field is missing"}, status=422)


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Asked]]:
    asked = Asked()
    app = web.Application()
    app.router.add_post("/token", asked.token)
    app.router.add_route("*", "/echo", asked.echo)
    app.router.add_post("/broken", asked.broken)
    app.router.add_post("/flaky", asked.flaky)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", asked
    await runner.cleanup()


def calls(base: str, auth: ServiceAuth | None) -> ServiceCalls:
    return ServiceCalls(base, auth, timeout_s=5, connect_timeout_s=1, connections=4)


def service_auth(base: str) -> ServiceAuth:
    return ServiceAuth(Settings(auth_token_url=f"{base}/token", service_client_secret="s3cret"))


async def test_json_goes_both_ways_and_no_token_is_sent_without_authentication(
    server: tuple[str, Asked],
) -> None:
    base, asked = server
    client = calls(base, None)
    try:
        answer: Any = await client.post_json("/echo", {"customers": [{"phone": "+98912"}]})
        assert answer == {"got": {"customers": [{"phone": "+98912"}]}, "path": "/echo"}
        assert (await client.get_json("/echo"))["got"] is None
    finally:
        await client.close()
    assert asked.seen == ["", ""]


async def test_the_services_token_is_reused_and_renewed_once_after_a_401(
    server: tuple[str, Asked],
) -> None:
    base, asked = server
    client = calls(base, service_auth(base))
    try:
        await client.post_json("/echo", {})
        await client.post_json("/echo", {})
        asked.revoked.add("t1")  # rotated early: the next call is refused once
        assert (await client.post_json("/echo", {"n": 3}))["got"] == {"n": 3}
    finally:
        await client.close()
    assert asked.seen == ["Bearer t1", "Bearer t1", "Bearer t1", "Bearer t2"]
    assert asked.tokens_issued == 2


async def test_an_error_status_raises_with_the_status_and_the_detail(
    server: tuple[str, Asked],
) -> None:
    base, _ = server
    client = calls(base, None)
    try:
        with pytest.raises(CallFailed, match=r"422.*customers field is missing") as failed:
            await client.post_json("/broken", {})
        assert failed.value.status == 422
    finally:
        await client.close()


async def test_a_connection_dropped_before_the_answer_is_tried_once_more(
    server: tuple[str, Asked],
) -> None:
    base, asked = server
    client = calls(base, None)
    try:
        assert await client.post_json("/flaky", {}) == {"attempt": 2}
    finally:
        await client.close()
    assert asked.flaky_calls == 2
