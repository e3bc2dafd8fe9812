"""`/v1/audit`: who saw this customer, and what this actor saw (supervisors, privacy officers)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.projections.adapters.audit_store import AuditStore
from services.projections.domain.audit import audit_teams
from services.projections.entrypoints.http.dependencies import (
    decode_cursor,
    encode_cursor,
    field,
)
from shared.http.problems import Problem
from shared.mongo import Document

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AccessRecord(BaseModel):
    id: str
    time: datetime
    actor: str
    role: str
    actor_teams: list[str]
    action: str
    customer_ids: list[str]
    service: str
    method: str
    path: str
    status: int
    client: str | None


class AuditPage(BaseModel):
    items: list[AccessRecord]
    next_cursor: str | None


@router.get("", response_model=AuditPage)
async def audit(
    request: Request,
    customer_id: str | None = None,
    actor: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPage:
    """Accesses newest first: exactly one of `customer_id` or `actor`. Privacy officers and
    admins see every access; a supervisor sees those made by members of their own teams."""
    if (customer_id is None) == (actor is None):
        reason = "give exactly one of customer_id or actor"
        raise Problem(422, reason, errors=[field("customer_id", reason), field("actor", reason)])
    teams = audit_teams(request.state.principal)
    if teams is not None and not teams:
        raise Problem(403, "a supervisor reads the audit of their team, and your token names none")
    who = {"customer_ids": customer_id} if customer_id else {"actor": str(actor)}
    store: AuditStore = request.app.state.audit_store
    documents, last = await store.page(who, decode_cursor(cursor), limit, teams)
    items = [AccessRecord(id=d["_id"], **_fields(d)) for d in documents]
    return AuditPage(items=items, next_cursor=encode_cursor(last))


def _fields(document: Document) -> dict[str, Any]:
    # documents folded before v2 of the audit event have no `actor_teams`
    values = {k: document.get(k) for k in AccessRecord.model_fields if k != "id"}
    return {**values, "actor_teams": values["actor_teams"] or []}
