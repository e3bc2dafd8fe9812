"""What the notifier knows about a customer, folded from the contacts and interactions it consumes.

The notifier keeps its own small state rather than reading the projections' view on the hot path:
rules are evaluated on the state *as of the triggering event*, so a replay decides the same way,
and conditions such as "complaints in the last 30 days" need data the view does not keep.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.events.customer import Channel, Profile

RECENT_EVENT_IDS = 64
COMPLAINT_HISTORY = timedelta(days=90)
MAX_COMPLAINT_TIMES = 100


class Satisfaction(StrEnum):
    """From the latest survey answer: CSAT 1-5 or NPS 0-10."""

    ANGRY = "angry"
    UNHAPPY = "unhappy"
    NEUTRAL = "neutral"
    HAPPY = "happy"
    UNKNOWN = "unknown"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(Model):
    """The reachable part of a profile: addresses, consent, preferences, timezone."""

    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    birthday: date | None = None
    language: str | None = None
    timezone: str | None = None
    tags: tuple[str, ...] = ()
    preferred_channel: Channel | None = None
    consent: dict[Channel, bool] = Field(default_factory=dict)
    erased: bool = False


def contact_from_profile(profile: Profile, *, erased: bool = False) -> Contact:
    """The reachable part of a contact profile (consent reduced to granted or not)."""
    return Contact(
        name=profile.name,
        emails=profile.emails,
        phones=profile.phones,
        birthday=profile.birthday,
        language=profile.language,
        timezone=profile.timezone,
        tags=profile.tags,
        preferred_channel=profile.preferred_channel,
        consent={channel: c.granted for channel, c in profile.consent.items()},
        erased=erased,
    )


class OpenComplaint(Model):
    complaint_id: str
    severity: str
    subject: str
    status: str = "open"
    opened_at: datetime
    sla_due_at: datetime | None = None


class CustomerState(Model):
    """One document per customer (`_id` = customer id), written by the partition owner only."""

    customer_id: str
    version: int = 0
    positions: dict[str, int] = Field(default_factory=dict)
    recent_event_ids: tuple[str, ...] = ()
    contact: Contact | None = None
    purchase_count: int = 0
    complaints_total: int = 0
    complaint_times: tuple[datetime, ...] = ()
    open_complaints: tuple[OpenComplaint, ...] = ()
    last_csat: int | None = None
    last_nps: int | None = None
    last_fired: dict[str, datetime] = Field(default_factory=dict)
    notification_ids: tuple[str, ...] = ()

    def satisfaction(self) -> Satisfaction:
        return satisfaction_of(self.last_csat, self.last_nps)

    def complaints_since(self, since: datetime) -> int:
        return sum(1 for opened in self.complaint_times if opened >= since)

    def open_complaint(self, complaint_id: str) -> OpenComplaint | None:
        return next((c for c in self.open_complaints if c.complaint_id == complaint_id), None)


def satisfaction_of(csat: int | None, nps: int | None) -> Satisfaction:
    """CSAT wins when both are present; the bands follow the usual survey conventions."""
    if csat is not None:
        return _CSAT_BANDS.get(csat, Satisfaction.HAPPY)
    if nps is not None:
        if nps <= 3:
            return Satisfaction.ANGRY
        if nps <= 6:
            return Satisfaction.UNHAPPY
        return Satisfaction.NEUTRAL if nps <= 8 else Satisfaction.HAPPY
    return Satisfaction.UNKNOWN


_CSAT_BANDS = {1: Satisfaction.ANGRY, 2: Satisfaction.UNHAPPY, 3: Satisfaction.NEUTRAL}

CUSTOMER_FIELDS = frozenset(
    {
        "id",
        "name",
        "language",
        "timezone",
        "tags",
        "preferred_channel",
        "purchase_count",
        "complaints_total",
        "complaints_last_7d",
        "complaints_last_30d",
        "complaints_last_90d",
        "open_complaints",
        "satisfaction",
        "last_csat",
        "last_nps",
    }
)


def days_before(at: datetime, days: int) -> datetime:
    """`at` minus `days`, pinned to the calendar's first day rather than overflowing."""
    try:
        return at - timedelta(days=days)
    except OverflowError:
        return datetime.min.replace(tzinfo=at.tzinfo)


def customer_fields(state: CustomerState, at: datetime) -> dict[str, object]:
    """The `customer.*` values rules and templates see, as of `at`."""
    contact = state.contact or Contact()
    return {
        "id": state.customer_id,
        "name": contact.name or "customer",
        "language": contact.language,
        "timezone": contact.timezone,
        "tags": list(contact.tags),
        "preferred_channel": contact.preferred_channel and contact.preferred_channel.value,
        "purchase_count": state.purchase_count,
        "complaints_total": state.complaints_total,
        "complaints_last_7d": state.complaints_since(days_before(at, 7)),
        "complaints_last_30d": state.complaints_since(days_before(at, 30)),
        "complaints_last_90d": state.complaints_since(days_before(at, 90)),
        "open_complaints": len(state.open_complaints),
        "satisfaction": state.satisfaction().value,
        "last_csat": state.last_csat,
        "last_nps": state.last_nps,
    }
