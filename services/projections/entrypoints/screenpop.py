"""Screen pop: the signed-in agent's console hears, over server-sent events, that a call is
ringing for them, and opens the caller's card before they answer (`console/screenpop.js`)."""

from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from sse_starlette.sse import EventSourceResponse

from services.projections.service_layer.switchboard import Ring, Switchboard
from shared.auth import Access, Principal
from shared.auth.roles import ANONYMOUS_ADMIN
from shared.concurrency import within
from shared.http.problems import Problem

router = APIRouter(prefix="/console/api", tags=["console"])
PING_S = 15
AgentParam = Annotated[
    str | None,
    Query(
        max_length=64,
        description="whose calls; with sign-in on it can only be the signed-in agent "
        "(the default), with sign-in off it is required",
    ),
]


def agent_of(request: Request, asked: str | None) -> str:
    """The agent whose calls this stream carries: the signed-in one, never someone else."""
    access: Access = request.app.state.access
    principal: Principal | None = getattr(request.state, "principal", None)
    if not access.enabled or principal is None or principal is ANONYMOUS_ADMIN:
        if not asked:
            reason = "required when sign-in is off"
            raise Problem(422, "whose calls?", errors=[{"field": "agent", "reason": reason}])
        return asked
    if asked and asked != principal.name:
        reason = f"you are signed in as {principal.name}"
        raise Problem(403, "another agent's calls", errors=[{"field": "agent", "reason": reason}])
    return principal.name


def as_message(ring: Ring) -> dict[str, str]:
    data = {
        "id": ring.event_id,
        "call_id": ring.call_id,
        "phone": ring.phone,
        "line": ring.line,
        "time": ring.time.isoformat(),
    }
    return {"event": "ringing", "id": ring.event_id, "data": orjson.dumps(data).decode()}


@router.get("/ringing/stream", summary="Server-sent events: a call is ringing for this agent")
async def ringing_stream(request: Request, agent: AgentParam = None) -> EventSourceResponse:
    """`ringing` (data: `id`, `call_id`, `phone`, `line`, `time`) for each call the phone system
    reports for this agent (`POST /v1/calls/ringing` on the interactions service)."""
    agent_id = agent_of(request, agent)
    switchboard: Switchboard = request.app.state.switchboard

    async def rings() -> AsyncIterator[dict[str, str]]:
        with switchboard.listen(agent_id) as queue:
            await switchboard.following.wait()
            yield {"event": "listening", "data": agent_id}
            while not await request.is_disconnected():
                try:
                    ring = await within(queue.get(), PING_S)
                except TimeoutError:
                    continue
                yield as_message(ring)

    return EventSourceResponse(rings(), ping=PING_S)
