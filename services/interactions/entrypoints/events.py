"""`/v1/events`: one CloudEvent, or a batch of up to 1,000, answered after Kafka acknowledged."""

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from services.interactions.domain.acceptance import Accepted, Intake, Unavailable
from services.interactions.domain.batch import batch_items
from services.interactions.domain.intake import read_bytes, read_http_binary, read_object
from services.interactions.domain.rejection import Rejected, Rejection
from services.interactions.entrypoints import examples
from services.interactions.entrypoints.dependencies import DoorDep, IngestionDep
from services.interactions.entrypoints.schemas import AcceptedPublic, BatchResult, batch_item
from shared.auth.guard import require_own_source
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/events", tags=["events"])
SINGLE_TYPES = ("application/cloudevents+json", "application/json", "")
BATCH_TYPES = ("application/cloudevents-batch+json", "application/json", "")


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _problem(rejection: Rejection) -> Problem:
    return Problem(
        rejection.status,
        rejection.message,
        errors=rejection.problem_errors(),
        kind=rejection.kind,
        **({"event_id": rejection.event_id} if rejection.event_id else {}),  # type: ignore[arg-type]
    )


def _unavailable(outcome: Unavailable) -> Problem:
    return Problem(503, f"not accepted, retry later: {outcome.reason}", event_id=outcome.id)


def _read_single(request: Request, body: bytes, door: Mapping[str, Any]) -> Intake:
    try:
        if "ce-specversion" in request.headers:  # CloudEvents HTTP binary mode
            return read_http_binary(request.headers, body, door)
        if _media_type(request) not in SINGLE_TYPES:
            raise Problem(415, "send application/cloudevents+json (or ce-* headers)")
        return read_bytes(body, door)
    except Rejected as exc:
        raise _problem(exc.rejection) from None


@router.post(
    "",
    status_code=202,
    summary="Publish one touchpoint",
    responses=examples.SINGLE_RESPONSES,
    openapi_extra=examples.single_body(),
)
async def post_event(
    request: Request, ingestion: IngestionDep, door: DoorDep, response: Response
) -> AcceptedPublic:
    """Validate, resolve the customer, publish to `c360.interactions`; 202 once acknowledged.
    A retry with the same `id` and content answers the original result (`Idempotent-Replayed`);
    the same `id` with other content is a 409."""
    event = _read_single(request, await request.body(), door)
    require_own_source(request, [event.source])
    [outcome] = await ingestion.accept([event], via="http")
    if isinstance(outcome, Rejection):
        raise _problem(outcome)
    if isinstance(outcome, Unavailable):
        raise _unavailable(outcome)
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return AcceptedPublic(**outcome.public())


@router.post(
    "/batch",
    summary="Publish up to 1,000 touchpoints",
    status_code=202,
    response_model=BatchResult,
    responses=examples.BATCH_RESPONSES,
    openapi_extra=examples.batch_body(),
)
async def post_batch(request: Request, ingestion: IngestionDep, door: DoorDep) -> Response:
    """Each event is answered on its own, in order: good events are accepted even when others
    are refused. 202 when all are accepted, 207 otherwise."""
    if _media_type(request) not in BATCH_TYPES:
        raise Problem(415, "send application/cloudevents-batch+json (a JSON array)")
    try:
        items = batch_items(_decode(await request.body()))
    except Rejected as exc:
        raise _problem(exc.rejection) from None
    read: list[Intake | Rejection] = [_read_item(item, door) for item in items]
    events = [e for e in read if not isinstance(e, Rejection)]
    require_own_source(request, [e.source for e in events])
    accepted = iter(await ingestion.accept(events, via="http"))
    outcomes = [r if isinstance(r, Rejection) else next(accepted) for r in read]
    counts = {kind: sum(isinstance(o, kind) for o in outcomes) for kind in (Accepted, Unavailable)}
    body = {
        "accepted": counts[Accepted],
        "rejected": len(outcomes) - counts[Accepted] - counts[Unavailable],
        "unavailable": counts[Unavailable],
        "results": [batch_item(i, outcome) for i, outcome in enumerate(outcomes)],
    }
    status = 202 if counts[Accepted] == len(outcomes) else 207
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _decode(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Problem(400, f"the body is not valid JSON: {exc}") from None


def _read_item(item: Any, door: Mapping[str, Any]) -> Intake | Rejection:
    try:
        return read_object(item, door)
    except Rejected as exc:
        return exc.rejection
