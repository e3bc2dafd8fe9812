"""`/v1/segments`: segments as data — define (back-filled at once), list, describe, members."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.projections.adapters.segments import SegmentExists
from services.projections.domain.segments import SEGMENT_ID, Segment
from services.projections.domain.view import Customer360
from services.projections.entrypoints.http.dependencies import decode_cursor, encode_cursor, field
from services.projections.service_layer.segment_admin import SegmentAdmin
from shared.conditions import InvalidCondition, dump_condition, fields_of, parse_condition
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/segments", tags=["segments"])
VIEW_FIELDS = frozenset(Customer360.model_fields) - {"segments"}
EXAMPLE_RULE = {
    "all": [
        {"field": "analytics.rfm.cell", "op": "in", "value": ["at_risk", "cannot_lose"]},
        {"field": "analytics.clv.clv_12m_minor", "op": "gte", "value": 50000},
    ]
}


def get_admin(request: Request) -> SegmentAdmin:
    admin: SegmentAdmin = request.app.state.segments
    return admin


AdminDep = Annotated[SegmentAdmin, Depends(get_admin)]


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SEGMENT_ID, examples=["valuable-at-risk"])
    name: str = Field(min_length=1, max_length=200, examples=["Valuable customers at risk"])
    rule: dict[str, Any] = Field(
        description="a condition over the 360 view (docs/segments.md)", examples=[EXAMPLE_RULE]
    )


class BackfillStatus(BaseModel):
    status: str = Field(description="waiting | running | done | failed")
    scanned: int = Field(description="views evaluated so far")
    entered: int
    exited: int
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None


class SegmentPublic(BaseModel):
    id: str
    name: str
    rule: dict[str, Any]
    created_at: datetime
    size: int | None = Field(default=None, description="members now (on GET of one segment)")
    backfill: BackfillStatus | None = None


class MembersPage(BaseModel):
    segment_id: str
    items: list[str] = Field(description="customer ids, in id order")
    next_cursor: str | None


def public(segment: Segment, **extra: Any) -> SegmentPublic:
    return SegmentPublic(
        id=segment.id,
        name=segment.name,
        rule=dump_condition(segment.rule),
        created_at=segment.created_at,
        **extra,
    )


def checked_rule(raw: dict[str, Any]) -> Any:
    """The parsed rule, or 422 naming each bad part (`rule.all.1.op`) and unknown view fields."""
    try:
        rule = parse_condition(raw)
    except InvalidCondition as exc:
        errors = [field(f"rule.{where}".rstrip("."), why) for where, why in exc.errors]
        raise Problem(422, "invalid segment rule", errors=errors) from None
    unknown = sorted({f for f in fields_of(rule) if f.split(".")[0] not in VIEW_FIELDS})
    if unknown:
        known = ", ".join(sorted(VIEW_FIELDS))
        errors = [field("rule", f"{f!r} is not a field of the 360 view ({known})") for f in unknown]
        raise Problem(422, "invalid segment rule", errors=errors)
    return rule


async def existing(admin: SegmentAdmin, segment_id: str) -> Segment:
    segment = await admin.live(segment_id)
    if segment is None:
        raise Problem(404, f"no segment {segment_id!r}", errors=[field("segment_id", "unknown")])
    return segment


@router.post("", status_code=201, response_model=SegmentPublic)
async def create(body: SegmentCreate, admin: AdminDep, response: Response) -> SegmentPublic:
    """Define a segment; its back-fill over the existing views starts at once (see `backfill`)."""
    rule = checked_rule(body.rule)
    try:
        segment = await admin.define(body.id, body.name, rule)
    except SegmentExists:
        raise Problem(
            409, f"segment {body.id!r} exists", errors=[field("id", "already defined")]
        ) from None
    response.headers["Location"] = f"/v1/segments/{segment.id}"
    status = BackfillStatus(status="waiting", scanned=0, entered=0, exited=0)
    return public(segment, backfill=status)


@router.get("", response_model=list[SegmentPublic])
async def list_segments(admin: AdminDep) -> list[SegmentPublic]:
    return [public(s) for s in await admin.all()]


@router.get("/{segment_id}", response_model=SegmentPublic)
async def describe(segment_id: str, admin: AdminDep) -> SegmentPublic:
    """The segment with its size and the progress of its back-fill."""
    segment = await existing(admin, segment_id)
    job = await admin.backfill(segment_id)
    status = None if job is None else BackfillStatus.model_validate(job)
    return public(segment, size=await admin.size(segment_id), backfill=status)


@router.get("/{segment_id}/members", response_model=MembersPage)
async def members(
    segment_id: str,
    admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> MembersPage:
    await existing(admin, segment_id)
    ids = await admin.members(segment_id, decode_cursor(cursor), limit + 1)
    more = len(ids) > limit
    return MembersPage(
        segment_id=segment_id,
        items=ids[:limit],
        next_cursor=encode_cursor(ids[limit - 1]) if more else None,
    )


@router.delete("/{segment_id}", status_code=204)
async def delete(segment_id: str, admin: AdminDep) -> Response:
    await admin.delete(await existing(admin, segment_id))
    return Response(status_code=204)
