"""`/v1/customers`: the 360 view, the call-center lookup, the timeline and name search."""

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from services.projections.domain.timeline import Entry
from services.projections.domain.view import Customer360
from services.projections.entrypoints.http.dependencies import (
    Consistent,
    QueriesDep,
    decode_cursor,
    encode_cursor,
    field,
)
from services.projections.entrypoints.http.schemas import (
    CustomerMatch,
    Money,
    SearchPage,
    TimelineItem,
    TimelinePage,
)
from shared.auth.prepared import PreparedJson
from shared.events import EventType
from shared.events.text import SafeText
from shared.http.problems import Problem
from shared.identity.normalise import InvalidIdentifier, normalise_identity

router = APIRouter(prefix="/v1/customers", tags=["customers"], dependencies=[Consistent])
CustomerId = Annotated[SafeText, Path(min_length=1, max_length=64)]
TYPE_FAMILY = {t.short_name: t.family for t in EventType}


def not_found(customer_id: str) -> Problem:
    return Problem(404, f"no customer {customer_id!r}", errors=[field("customer_id", "unknown")])


@router.get("/lookup", response_model=Customer360)
async def lookup(
    request: Request,
    queries: QueriesDep,
    phone: Annotated[SafeText | None, Query(max_length=40, examples=["+98 912 123 4567"])] = None,
    email: Annotated[SafeText | None, Query(max_length=320)] = None,
    external_id: Annotated[
        SafeText | None,
        Query(max_length=200, description="system:value", examples=["crm:123"]),
    ] = None,
) -> Response:
    """The call-center hot path: exactly one of phone, email or external_id, normalised the
    way the contacts service normalises them."""
    given = {
        k: v for k, v in {"phone": phone, "email": email, "external_id": external_id}.items() if v
    }
    if len(given) != 1:
        raise Problem(
            422,
            "give exactly one of phone, email, external_id",
            errors=[field(k, "exactly one is allowed") for k in given or ["phone"]],
        )
    name, raw = next(iter(given.items()))
    kind, _, value = (name, "", raw) if name != "external_id" else raw.partition(":")
    if name == "external_id" and not value:
        raise Problem(422, "invalid external_id", errors=[field(name, "expected system:value")])
    region = request.app.state.default_region
    try:
        identity = normalise_identity(kind, value, region, field=name)
    except InvalidIdentifier as exc:
        raise Problem(422, f"invalid {name}", errors=[field(exc.field, exc.reason)]) from None
    owner = await queries.owner(identity.key)
    view = None if owner is None else await queries.view_json(owner)
    if view is None:
        raise Problem(404, f"no customer with {name} {raw!r}", errors=[field(name, "unknown")])
    return prepared_answer(request, view)


@router.get("", response_model=SearchPage)
async def search(
    queries: QueriesDep,
    q: Annotated[SafeText, Query(min_length=1, max_length=200, description="part of a name")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> SearchPage:
    """Customers whose name contains `q` (any case), ordered by name."""
    matches, after = await queries.search(q.strip(), limit, decode_cursor(cursor))
    items = [
        CustomerMatch(customer_id=m.customer_id, name=m.name, matched_id=m.matched_id)
        for m in matches
    ]
    return SearchPage(items=items, next_cursor=encode_cursor(after))


@router.get("/{customer_id}", response_model=Customer360)
async def customer_360(customer_id: CustomerId, request: Request, queries: QueriesDep) -> Response:
    """The 360 view. A merged id answers with its survivor's view (`merged_into` says so)."""
    view = await queries.view_json(customer_id)
    if view is None:
        raise not_found(customer_id)
    return prepared_answer(request, view)


def prepared_answer(request: Request, view: PreparedJson) -> Response:
    """The serialized view as it is (`response_model` still documents it); the way out masks and
    audits it from what it says of itself, without parsing it."""
    request.state.prepared = view
    return Response(view.body, media_type="application/json")


@router.get("/{customer_id}/timeline", response_model=TimelinePage)
async def timeline(
    customer_id: CustomerId,
    queries: QueriesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[SafeText | None, Query(max_length=500)] = None,
    type: Annotated[
        list[SafeText] | None,
        Query(description="only these types (short names, e.g. purchase, complaint.opened)"),
    ] = None,
) -> TimelinePage:
    """Every event of the customer (and of customers merged into it), newest first."""
    unknown = [t for t in type or [] if t not in TYPE_FAMILY]
    if unknown:
        raise Problem(
            422,
            "unknown event type",
            errors=[field("type", f"{t!r} is not in the catalog") for t in unknown],
        )
    found = await queries.timeline(
        customer_id, limit, decode_cursor(cursor), frozenset(type) if type else None
    )
    if found is None:
        raise not_found(customer_id)
    items = [
        TimelineItem(
            id=e.id,
            type=e.type,
            family=TYPE_FAMILY.get(e.type, "unknown"),
            time=e.time,
            customer_id=owner,
            source=e.source,
            summary=e.summary,
            data=data,
            money=Money.of(data),
        )
        for owner, e, data in with_data(found.items)
    ]
    return TimelinePage(
        customer_id=found.customer_id, items=items, next_cursor=encode_cursor(found.next_cursor)
    )


def with_data(items: list[tuple[str, Entry]]) -> list[tuple[str, Entry, dict[str, Any] | None]]:
    return [(owner, e, orjson.loads(e.data) if e.data else None) for owner, e in items]
