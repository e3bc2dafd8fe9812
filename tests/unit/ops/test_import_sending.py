"""`c360 import` posts its batches with the bearer it was given (the ops client's token when
authentication is on), against a real local HTTP server standing in for the interactions API."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from services.ops.importing.command import send
from services.ops.importing.lines import Line


@pytest.fixture
async def interactions() -> AsyncIterator[tuple[str, list[str]]]:
    seen: list[str] = []

    async def batch(request: web.Request) -> web.Response:
        seen.append(request.headers.get("authorization", ""))
        events: list[dict[str, Any]] = await request.json()
        results = [{"index": n, "status": 202, "id": e["id"]} for n, e in enumerate(events)]
        return web.json_response({"accepted": len(events), "results": results}, status=202)

    app = web.Application()
    app.router.add_post("/v1/events/batch", batch)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


def lines(count: int) -> list[Line]:
    return [Line(number=n + 1, event={"id": f"e{n}"}) for n in range(count)]


@pytest.mark.parametrize(("bearer", "header"), [("tok-ops", "Bearer tok-ops"), ("", "")])
async def test_every_batch_carries_the_bearer_it_was_given(
    interactions: tuple[str, list[str]], bearer: str, header: str
) -> None:
    url, seen = interactions
    tally = await send(lines(5), url, batch_size=2, concurrency=2, bearer=bearer)
    assert tally.accepted == 5
    assert seen == [header] * 3
