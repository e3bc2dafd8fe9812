"""Access audit: `c360.audit.access` on `c360.audit` (key = actor), one per read or privileged
action on a person's data. Only the services publish it; the audit projection folds it."""

from typing import Literal

from pydantic import Field

from shared.events.envelope import Envelope, Payload
from shared.events.types import EventType
from shared.events.upcasting import RawData, upcaster


class AccessData(Payload):
    actor: str = Field(min_length=1, max_length=200, description="user name or client id")
    actor_subject: str = Field(max_length=200, description="the token's `sub`")
    role: str = Field(max_length=40, description="the most privileged role the actor holds")
    actor_teams: list[str] = Field(
        default_factory=list, max_length=50, description="the actor's teams (v2)"
    )
    action: str = Field(max_length=64, examples=["customer.view", "contact.merge"])
    customer_ids: list[str] = Field(default_factory=list, max_length=1_000)
    service: str = Field(max_length=64)
    method: str = Field(max_length=10)
    path: str = Field(max_length=2_000, description="the request path and query")
    status: int
    client: str | None = Field(default=None, max_length=200, description="the caller's address")


class AccessAudited(Envelope):
    """v2 adds `actor_teams`, so a supervisor's audit can be limited to their teams."""

    schema_version = 2
    type: Literal[EventType.ACCESS_AUDITED]
    data: AccessData


@upcaster(EventType.ACCESS_AUDITED, 1)
def _audited_v1_to_v2(data: RawData) -> RawData:
    return data  # v1 named no teams; v2 reads that as none
