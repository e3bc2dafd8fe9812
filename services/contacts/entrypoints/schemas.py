"""Request and response bodies of the contacts API, one class per purpose."""

from datetime import date, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.contacts.domain.contact import ContactState
from shared.events.contacts import Acquisition, Origin
from shared.events.customer import (
    Address,
    Channel,
    Consent,
    CustomerRef,
    ExternalIds,
    Identifier,
    Profile,
)
from shared.events.text import SafeText, WindowTime

Tags = list[SafeText]
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _known_timezone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise ValueError(f"{name!r} is not an IANA time zone such as Asia/Tehran") from None
    return name


class ContactFields(Strict):
    """Fields of the master data that a client sets directly."""

    name: SafeText | None = Field(default=None, min_length=1, max_length=200)
    birthday: date | None = None
    language: SafeText | None = Field(default=None, pattern=LANGUAGE, examples=["fa", "en-GB"])
    timezone: SafeText | None = Field(default=None, max_length=64, examples=["Asia/Tehran"])
    address: Address | None = None
    tags: Tags | None = Field(default=None, max_length=50)
    preferred_channel: Channel | None = None

    _timezone = field_validator("timezone")(_known_timezone)

    @field_validator("tags")
    @classmethod
    def _short_tags(cls, tags: Tags | None) -> Tags | None:
        if tags and any(not 1 <= len(tag) <= 64 for tag in tags):
            raise ValueError("each tag has 1 to 64 characters")
        return tags

    @field_validator("birthday")
    @classmethod
    def _past_birthday(cls, birthday: date | None) -> date | None:
        if birthday and not date(1900, 1, 1) <= birthday <= date.today():
            raise ValueError("a birthday lies between 1900-01-01 and today")
        return birthday


class ContactCreate(ContactFields):
    emails: list[Identifier] = Field(default_factory=list, max_length=20)
    phones: list[Identifier] = Field(default_factory=list, max_length=20)
    external_ids: ExternalIds = Field(default_factory=dict, max_length=20)
    consent: dict[Channel, Consent] = Field(default_factory=dict)
    acquisition: Acquisition | None = Field(
        default=None, description="marketing channel and campaign the contact came through"
    )

    def draft(self) -> Profile:
        """The profile as given; the service normalises its identifiers."""
        return Profile(
            name=self.name,
            emails=tuple(self.emails),
            phones=tuple(self.phones),
            external_ids=self.external_ids,
            birthday=self.birthday,
            language=self.language,
            timezone=self.timezone,
            address=self.address,
            tags=tuple(self.tags or ()),
            preferred_channel=self.preferred_channel,
            consent=self.consent,
        )


class ContactUpdate(ContactFields):
    """Only the fields present change; identifiers change through `/identities`."""

    @field_validator(*ContactFields.model_fields, mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("a field cannot be cleared with null; leave it out to keep it")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> "ContactUpdate":
        if not self.model_fields_set:
            raise ValueError("the patch changes nothing: send at least one field")
        return self


class ContactPublic(BaseModel):
    customer_id: str
    version: int
    origin: Origin
    name: str | None = None
    emails: list[str]
    phones: list[str]
    external_ids: dict[str, str]
    birthday: date | None = None
    language: str | None = None
    timezone: str | None = None
    address: Address | None = None
    tags: list[str]
    preferred_channel: Channel | None = None
    consent: dict[Channel, Consent]
    merged_into: str | None = None
    merged_from: list[str]
    erased: bool = False
    created_at: datetime
    updated_at: datetime
    resolved_from: str | None = Field(
        default=None, description="the id asked for, when it was merged into this customer"
    )
    position: str | None = Field(default=None, description="read-your-writes token of the event")

    @classmethod
    def of(cls, state: ContactState, **extra: Any) -> Self:
        profile = state.profile.model_dump()
        return cls(
            **profile,
            **state.model_dump(include={"customer_id", "version", "origin", "merged_into"}),
            merged_from=list(state.merged_from),
            erased=state.erased,
            created_at=state.created_at,
            updated_at=state.updated_at,
            **extra,
        )


class IdentityLink(Strict):
    kind: SafeText = Field(min_length=1, max_length=32, examples=["phone", "email", "crm"])
    value: SafeText = Field(min_length=1, max_length=320, examples=["+989121234567"])


class IdentityPublic(BaseModel):
    kind: str
    value: str
    key: str
    customer_id: str = Field(description="the customer the identifier resolves to now")
    owner_id: str = Field(description="the index entry's customer (differs while merged)")


class MergeRequest(Strict):
    survivor_id: SafeText = Field(min_length=1, max_length=64)
    merged_id: SafeText = Field(min_length=1, max_length=64)
    reason: SafeText = Field(min_length=1, max_length=500)
    actor: SafeText | None = Field(default=None, max_length=64)


class UnmergeRequest(Strict):
    reason: SafeText = Field(min_length=1, max_length=500)
    actor: SafeText | None = Field(default=None, max_length=64)


class ConsentUpdate(Strict):
    channel: Channel
    granted: bool
    legal_basis: SafeText = Field(min_length=1, max_length=64, examples=["consent", "contract"])
    at: WindowTime | None = Field(default=None, description="when given; default: now")
    source: SafeText | None = Field(default=None, max_length=200)


class DuplicatePublic(BaseModel):
    customers: list[str]
    keys: list[str]
    status: str
    source: str
    count: int
    first_seen: datetime
    last_seen: datetime


class ResolveBatch(Strict):
    """Many interactions' `customer` blocks, resolved together (the interactions service sends
    one per ingestion batch)."""

    customers: list[CustomerRef] = Field(min_length=1, max_length=1000)


class FieldErrorPublic(BaseModel):
    field: str
    reason: str


class ResolutionPublic(BaseModel):
    """One block's answer: its customer, or `error` naming the field that names no customer."""

    customer_id: str | None = None
    created: bool = False
    conflicts: list[str] = Field(default_factory=list)
    error: FieldErrorPublic | None = None


class ResolveBatchPublic(BaseModel):
    results: list[ResolutionPublic]


class SubjectAccessExport(BaseModel):
    """Everything c360 holds on a person (GDPR articles 15 and 20), in one document: the contacts
    service's own part and what the projections and the notifier hold, read from their APIs."""

    customer_id: str
    exported_at: datetime
    contact: ContactPublic = Field(description="profile, identifiers and current consent")
    consent_history: list[dict[str, Any]] = Field(
        description="every consent change with its legal basis, oldest first"
    )
    history: list[dict[str, Any]] = Field(description="the contact's own events, oldest first")
    view: dict[str, Any] | None = Field(
        description="the customer-360 view (None when no event of the person was folded yet)"
    )
    segment_memberships: list[str] = Field(description="the segments the person is in now")
    timeline: list[dict[str, Any]] = Field(description="the whole timeline, every page")
    notifications: list[dict[str, Any]] = Field(description="every notification about the person")
    accesses: list[dict[str, Any]] = Field(
        description="who read the person's data, from the access audit (every page)"
    )


class ContactErased(ContactPublic):
    """The tombstone, what the erasure withheld, and when the last plaintext copy is gone."""

    withheld_dead_letters: int = Field(
        description="dead letters holding the person's data, now refused by `c360 dlq replay`"
    )
    plaintext_topics: list[str] = Field(
        description="topics holding adapters' bytes in clear, which c360 cannot encrypt"
    )
    plaintext_expires_at: datetime | None = Field(
        description="when anything written to those topics until now is gone at the latest"
        " (their retention); None if a retention is unbounded"
    )
