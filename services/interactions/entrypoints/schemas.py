"""What the HTTP API answers, as documented schemas."""

from typing import Any

from pydantic import BaseModel, Field

from services.interactions.domain.acceptance import Accepted, Unavailable
from services.interactions.domain.rejection import Rejection


class FieldProblem(BaseModel):
    field: str
    reason: str


class AcceptedPublic(BaseModel):
    """An accepted event: it is in `c360.interactions` (marketing spend: `c360.marketing`),
    acknowledged by every in-sync replica."""

    id: str = Field(examples=["pbx-tehran-8812"])
    customer_id: str | None = Field(
        examples=["c_01j9z8k2m4p6r8t0v2x4"], description="null for marketing spend"
    )
    position: str = Field(
        description="opaque read-your-writes token for the projections query API",
        examples=["Yzm2MC5pbnRlcmFjdGlvbnN8NHwxMjA"],
    )


class BatchItem(BaseModel):
    """One event's answer in a batch; `status` is what a single POST would have answered."""

    index: int = Field(description="position of the event in the request array")
    status: int = Field(examples=[202, 409, 413, 422, 503])
    id: str | None = None
    customer_id: str | None = None
    position: str | None = None
    replayed: bool | None = Field(default=None, description="true for a retry of an accepted id")
    kind: str | None = Field(default=None, examples=["schema_violation", "unknown_type"])
    detail: str | None = None
    errors: list[FieldProblem] | None = None


class BatchResult(BaseModel):
    """Per-event answers, in request order."""

    accepted: int = Field(description="events accepted now or earlier (retries)")
    rejected: int = Field(description="events refused for good: fix them, do not retry as is")
    unavailable: int = Field(description="events to retry later (an outage)")
    results: list[BatchItem]


def batch_item(index: int, outcome: Accepted | Rejection | Unavailable) -> dict[str, Any]:
    """One `BatchItem` as JSON (built directly: a batch answers up to 1,000 of them)."""
    if isinstance(outcome, Accepted):
        return {"index": index, "status": 202, "replayed": outcome.replayed, **outcome.public()}
    if isinstance(outcome, Unavailable):
        return {
            "index": index,
            "status": 503,
            "id": outcome.id,
            "kind": "unavailable",
            "detail": outcome.reason,
        }
    item = {
        "index": index,
        "status": outcome.status,
        "kind": outcome.kind,
        "detail": outcome.message,
        "errors": outcome.problem_errors(),
    }
    return {**item, "id": outcome.event_id} if outcome.event_id else item
