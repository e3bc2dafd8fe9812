"""Working a complaint as a case: `c360.interaction.complaint.assigned`, `.commented` and
`.status_changed`. The complaint is opened and (optionally) resolved by the events of
`shared.events.interactions`; these carry who owns it, what was said and where it stands."""

from enum import StrEnum
from typing import Literal

from pydantic import Field

from shared.events.envelope import Envelope
from shared.events.text import FreeText, SafeText
from shared.events.touchpoint import AgentId, InteractionData
from shared.events.types import EventType

ComplaintId = Field(min_length=1, max_length=64)


class CaseStatus(StrEnum):
    """Where a case stands. `resolved` and `closed` end it: its SLA no longer runs."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


FINAL_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


class ComplaintAssignedData(InteractionData):
    """The case now belongs to `owner` (a reassignment is another `assigned`); `agent_id` is
    who assigned it."""

    complaint_id: SafeText = ComplaintId
    owner: AgentId = Field(description="the agent who owns the case from now on")
    note: FreeText | None = Field(default=None, max_length=2_000)


class ComplaintCommentedData(InteractionData):
    """A comment on the case by `agent_id`; the event id identifies the comment."""

    complaint_id: SafeText = ComplaintId
    comment: FreeText = Field(min_length=1, max_length=2_000)


class ComplaintStatusChangedData(InteractionData):
    complaint_id: SafeText = ComplaintId
    status: CaseStatus
    comment: FreeText | None = Field(default=None, max_length=2_000)


class ComplaintAssigned(Envelope):
    type: Literal[EventType.COMPLAINT_ASSIGNED]
    data: ComplaintAssignedData


class ComplaintCommented(Envelope):
    type: Literal[EventType.COMPLAINT_COMMENTED]
    data: ComplaintCommentedData


class ComplaintStatusChanged(Envelope):
    type: Literal[EventType.COMPLAINT_STATUS_CHANGED]
    data: ComplaintStatusChangedData


CaseEvent = ComplaintAssigned | ComplaintCommented | ComplaintStatusChanged
