"""`POST /v1/calls/ringing`: the phone system says a call is ringing for an agent.

Not a touchpoint (see `shared/events/calls.py`), so not through `/v1/events`: it is validated
like any event at the door, published to `c360.calls` and answered 202 once acknowledged; the
agent's console, wherever it is connected, opens the caller's card."""

from typing import Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request

from services.interactions.entrypoints.dependencies import DoorDep
from services.interactions.service_layer.ports import RingingLog
from shared.auth.guard import require_own_source
from shared.events import InvalidEvent, decode_event
from shared.events.calls import CallRinging
from shared.http.event_schemas import schema_ref
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/calls", tags=["calls"])

RINGING_EXAMPLE = {
    "specversion": "1.0",
    "id": "pbx-tehran-ring-8813",
    "source": "adapters/pbx-tehran",
    "type": "c360.call.ringing",
    "time": "2026-03-01T09:29:55+03:30",
    "data": {"call_id": "8813", "agent_id": "agent", "phone": "0912 123 4567", "line": "sales"},
}


def _body() -> dict[str, Any]:
    schema = schema_ref(CallRinging)
    content = {"schema": schema, "examples": {"ringing": {"value": RINGING_EXAMPLE}}}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/cloudevents+json": content, "application/json": content},
        }
    }


@router.post(
    "/ringing",
    status_code=202,
    summary="A call is ringing for an agent: open the caller's card on their console",
    openapi_extra=_body(),
    responses={
        403: {"description": "another adapter's `source`"},
        422: {"description": "not a valid `c360.call.ringing` event (fields named)"},
        503: {"description": "the broker is unavailable; retry"},
    },
)
async def ringing(request: Request, door: DoorDep) -> dict[str, str]:
    try:
        event = decode_event(await request.body(), door)
    except InvalidEvent as invalid:
        errors = [{"field": e.field, "reason": e.reason} for e in invalid.errors]
        raise Problem(422, invalid.message, errors=errors, kind=invalid.kind) from None
    if not isinstance(event, CallRinging):
        reason = f"expected c360.call.ringing, got {event.type.value}"
        raise Problem(422, "not a ringing call", errors=[{"field": "type", "reason": reason}])
    require_own_source(request, [event.source])
    log: RingingLog = request.app.state.ringing
    try:
        position = await log.publish(event)
    except KafkaError as exc:
        raise Problem(503, "not accepted, retry later", reason=str(exc)) from exc
    return {"id": event.id, "agent_id": event.data.agent_id, "position": position.encode()}
