"""Typed dependencies of the query API, and the read-your-writes wait they share."""

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Query, Request

from services.projections.service_layer.queries import Queries
from shared.events.text import SafeText
from shared.http.problems import Problem
from shared.position import Position

MAX_WAIT_MS = 30_000


async def get_queries(request: Request) -> Queries:
    # async although it awaits nothing: FastAPI runs a plain `def` dependency in a worker
    # thread, a thread hop on every read of the hot path
    queries: Queries = request.app.state.queries
    return queries


QueriesDep = Annotated[Queries, Depends(get_queries)]


async def read_your_writes(
    queries: QueriesDep,
    min_position: Annotated[
        SafeText | None,
        Query(
            max_length=200,
            description="a position token from an ingestion answer: wait until it is visible",
        ),
    ] = None,
    timeout_ms: Annotated[
        int, Query(ge=0, le=MAX_WAIT_MS, description="how long to wait for min_position")
    ] = 2_000,
) -> None:
    """Bounded wait until the projection has applied `min_position` (504 when it has not)."""
    if min_position is None:
        return
    try:
        position = Position.decode(min_position)
    except ValueError as exc:
        raise Problem(422, "invalid min_position", errors=[field("min_position", exc)]) from None
    if not queries.knows_topic(position.topic):
        reason = f"{position.topic!r} is not a topic this projection folds"
        raise Problem(422, "invalid min_position", errors=[field("min_position", reason)])
    if not await queries.wait_for(position, timeout_ms / 1000):
        raise Problem(
            504,
            f"the projection has not reached that position within {timeout_ms} ms; retry",
            position=min_position,
        )


Consistent = Depends(read_your_writes)


def field(name: str, reason: object) -> dict[str, str]:
    return {"field": name, "reason": str(reason)}


def encode_cursor(key: str | None) -> str | None:
    return None if key is None else base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Problem(
            422, "invalid cursor", errors=[field("cursor", "not a cursor from this API")]
        ) from None
