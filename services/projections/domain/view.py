"""The customer-360 view as consoles and the notifier see it: composed, classified, public."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.projections.domain.classify import Lifecycle, Satisfaction, lifecycle, satisfaction
from services.projections.domain.complaints import is_open, overdue
from services.projections.domain.state import CaseComment, CustomerState, Recent
from shared.events.analytics import ClvScores, RfmScores
from shared.events.customer import Profile
from shared.money import exponents


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class OpenComplaint(Public):
    """An open case: a complaint not yet resolved or closed."""

    complaint_id: str
    subject: str | None
    severity: str | None
    status: str = Field(description="open, in_progress, waiting_customer (or escalated)")
    opened_at: datetime
    sla_due_at: datetime | None
    overdue: bool = Field(description="open past its SLA due time")
    owner: str | None = Field(default=None, description="the agent who owns the case")
    assigned_at: datetime | None = None
    comments: list[CaseComment] = Field(
        default_factory=list, description="oldest first, the newest 50"
    )


class ViewKpis(Public):
    interaction_count: int
    by_channel: dict[str, int]
    by_type: dict[str, int] = Field(description="interaction type, '.' written as '_'")
    purchase_count: int
    total_spent: dict[str, int] = Field(description="currency -> minor units")
    average_order_value: dict[str, int] = Field(description="currency -> minor units, rounded")
    refund_total: dict[str, int] = Field(description="currency -> minor units")
    first_purchase_at: datetime | None
    last_purchase_at: datetime | None
    last_contact_at: datetime | None
    complaints_total: int
    open_complaints: list[OpenComplaint]
    csat_average: float | None = Field(description="mean CSAT 1-5, two decimals")
    nps_last: int | None
    notifications: dict[str, int]


class ViewAnalytics(Public):
    rfm: RfmScores | None = Field(description="recency, frequency, monetary 1-5 and the cell")
    clv: ClvScores | None = Field(description="p_alive, expected purchases, 12-month CLV")
    model_id: str | None
    scored_at: datetime


class Customer360(Public):
    customer_id: str = Field(description="the survivor when the requested id was merged")
    requested_id: str
    merged_into: str | None = Field(description="set when requested_id was merged: its survivor")
    merged_from: list[str] = Field(description="customers merged into this one, transitively")
    profile: Profile
    erased: bool
    kpis: ViewKpis
    satisfaction: Satisfaction
    lifecycle_stage: Lifecycle
    recent_interactions: list[Recent]
    analytics: ViewAnalytics | None = Field(description="RFM and CLV scores, once scored")
    segments: list[str] = Field(description="ids of the segments the customer is in")
    currency_exponents: dict[str, int] = Field(
        description="ISO 4217 exponent of each currency in this view: major = minor / 10**exponent",
        examples=[{"EUR": 2, "IRR": 2, "JPY": 0}],
    )
    version: int = Field(description="events folded into this view (all members)")
    created_at: datetime | None
    updated_at: datetime | None = Field(description="time of the latest event folded in")


def rounded_division(total: int, count: int) -> int:
    return (total + count // 2) // count


def view_kpis(state: CustomerState, now: datetime) -> ViewKpis:
    k = state.kpis
    open_ones = [c for c in state.complaints if is_open(c) and c.opened_at is not None]
    return ViewKpis(
        interaction_count=k.interaction_count,
        by_channel=k.by_channel,
        by_type=k.by_type,
        purchase_count=sum(s.orders for s in k.spend.values()),
        total_spent={cur: s.total_minor for cur, s in k.spend.items()},
        average_order_value={
            cur: rounded_division(s.total_minor, s.orders) for cur, s in k.spend.items() if s.orders
        },
        refund_total=k.refunds,
        first_purchase_at=k.first_purchase_at,
        last_purchase_at=k.last_purchase_at,
        last_contact_at=k.last_contact_at,
        complaints_total=k.complaints_total,
        open_complaints=[
            OpenComplaint(
                complaint_id=c.complaint_id,
                subject=c.subject,
                severity=c.severity,
                status=c.status,
                opened_at=c.opened_at,
                sla_due_at=c.sla_due_at,
                overdue=overdue(c, now),
                owner=c.owner,
                assigned_at=c.owner_mark.at if c.owner_mark else None,
                comments=list(c.comments),
            )
            for c in sorted(open_ones, key=lambda c: (c.opened_at, c.complaint_id))
            if c.opened_at is not None
        ],
        csat_average=round(k.csat_sum / k.csat_count, 2) if k.csat_count else None,
        nps_last=k.last_nps.nps if k.last_nps else None,
        notifications=k.notifications,
    )


def currencies_in(kpis: ViewKpis, analytics: ViewAnalytics | None) -> list[str]:
    named = [*kpis.total_spent, *kpis.average_order_value, *kpis.refund_total]
    if analytics is not None and analytics.clv is not None:
        named.append(analytics.clv.currency)
    return sorted(set(named))


def present(
    composed: CustomerState,
    requested_id: str,
    members: list[str],
    now: datetime,
) -> Customer360:
    """The public view of a survivor whose composed state is `composed`."""
    feeling = satisfaction(composed.kpis, composed.complaints, now)
    kpis = view_kpis(composed, now)
    analytics = (
        None
        if composed.analytics is None
        else ViewAnalytics.model_validate(composed.analytics.model_dump(exclude={"event_id"}))
    )
    return Customer360(
        customer_id=composed.customer_id,
        requested_id=requested_id,
        merged_into=composed.customer_id if requested_id != composed.customer_id else None,
        merged_from=[m for m in members if m != composed.customer_id],
        profile=composed.profile,
        erased=composed.erased_at is not None,
        kpis=kpis,
        satisfaction=feeling,
        lifecycle_stage=lifecycle(composed.kpis, feeling, now),
        recent_interactions=list(composed.recent),
        analytics=analytics,
        segments=list(composed.segments),
        currency_exponents=exponents(currencies_in(kpis, analytics)),
        version=composed.version,
        created_at=composed.created_at,
        updated_at=composed.updated_at,
    )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def segment_document(composed: CustomerState, members: list[str]) -> dict[str, Any]:
    """The view that segment rules read: as the API shows it (JSON), without its own `segments`,
    and as of the latest event folded in, so a replay or a back-fill decides the same way."""
    now = composed.updated_at or EPOCH
    view = present(composed, composed.customer_id, members, now)
    return view.model_dump(mode="json", exclude={"segments"})
