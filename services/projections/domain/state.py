"""What the projection keeps per customer: one document, `_id` = customer id, folded from that
customer's own events only.

Everything here is an accumulator that can be combined with another customer's (sums, minima,
maxima, latest-by-time, unions), so a merge is a read-time composition of the members' states and
an unmerge is simply dropping a member: no state is ever moved between documents.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.projections.domain.timeline import Entry
from shared.events.analytics import ClvScores, RfmScores
from shared.events.customer import Profile

RECENT_INTERACTIONS = 10


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Spend(Model):
    """Purchases in one currency: how many and how much (minor units)."""

    orders: int = 0
    total_minor: int = 0


class Survey(Model):
    """The latest survey answer; ordered by (time, event id) so merges pick one winner."""

    at: datetime
    event_id: str
    csat: int | None = None
    nps: int | None = None


class Mark(Model):
    """When a change happened and by which event: the latest mark wins, whatever the order the
    events are folded in (ties broken by event id)."""

    at: datetime
    event_id: str


class CaseComment(Model):
    """A comment on a case; its id is the event's. `text` is None once the customer is erased."""

    id: str
    at: datetime
    author: str | None = None
    text: str | None = None


class Complaint(Model):
    """One complaint as far as this customer's events tell it (an update may come without the
    opening when the complaint was opened on a customer since merged). Worked as a case, it has
    an owner, comments and a status; `resolved` and `closed` are final."""

    complaint_id: str
    subject: str | None = None
    severity: str | None = None
    status: str = "open"
    status_mark: Mark | None = Field(default=None, description="of the latest open status")
    opened_at: datetime | None = None
    sla_due_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    owner: str | None = None
    owner_mark: Mark | None = None
    comments: tuple[CaseComment, ...] = ()
    changed_at: datetime


class Recent(Model):
    """A line of the "last interactions" list."""

    id: str
    type: str
    time: datetime
    channel: str | None = None
    agent_id: str | None = None
    summary: str


class Kpis(Model):
    interaction_count: int = 0
    by_channel: dict[str, int] = Field(default_factory=dict)
    by_type: dict[str, int] = Field(default_factory=dict)
    spend: dict[str, Spend] = Field(default_factory=dict)
    refunds: dict[str, int] = Field(default_factory=dict)
    first_purchase_at: datetime | None = None
    last_purchase_at: datetime | None = None
    last_contact_at: datetime | None = None
    complaints_total: int = 0
    csat_sum: int = 0
    csat_count: int = 0
    last_nps: Survey | None = None
    last_survey: Survey | None = None
    notifications: dict[str, int] = Field(default_factory=dict)


class Analytics(Model):
    """The latest `c360.analytics.scored` of the customer (scores may be null until fitted);
    latest by (scored_at, event id), so the order the topics interleave in does not matter."""

    rfm: RfmScores | None = None
    clv: ClvScores | None = None
    model_id: str | None = None
    scored_at: datetime
    event_id: str


class CustomerState(Model):
    """The stored document. `version` counts the events applied (the same after a rebuild);
    `revision` counts writes and guards them; `positions` is the tracking record: per topic and
    partition, the last offset already folded in."""

    customer_id: str
    known: bool = False
    origin: str | None = None
    profile: Profile = Field(default_factory=Profile)
    erased_at: datetime | None = None
    kpis: Kpis = Field(default_factory=Kpis)
    complaints: tuple[Complaint, ...] = ()
    recent: tuple[Recent, ...] = ()
    merged_from: tuple[str, ...] = ()
    analytics: Analytics | None = None
    segments: tuple[str, ...] = Field(
        default=(), description="ids of the segments this customer (with its merges) is in"
    )
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    timeline: dict[str, list[int]] = Field(
        default_factory=dict, description="day (YYYYMMDD) -> entries per bucket part"
    )
    head: tuple[Entry, ...] = Field(
        default=(), description="the newest timeline bucket part, kept inline (one write less)"
    )
    positions: dict[str, dict[str, int]] = Field(default_factory=dict)
    revision: int = 0

    def applied(self, topic: str, partition: int) -> int:
        """The last offset of `topic`/`partition` folded into this document (-1: none)."""
        return self.positions.get(topic, {}).get(f"p{partition}", -1)


def later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


def latest_survey(a: Survey | None, b: Survey | None) -> Survey | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda s: (s.at, s.event_id))
