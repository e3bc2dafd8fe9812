"""How an event names its customer, and the contact profile vocabulary."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from shared.events.envelope import Payload
from shared.events.text import SafeText, WindowTime

ExternalSystem = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$"),
    Field(description="e.g. crm, loyalty"),
]
ExternalIds = dict[
    ExternalSystem, Annotated[SafeText, StringConstraints(min_length=1, max_length=128)]
]
Identifier = Annotated[SafeText, StringConstraints(min_length=1, max_length=320)]
Tag = Annotated[SafeText, StringConstraints(min_length=1, max_length=64)]
RESERVED_IDENTITY_KINDS = frozenset({"email", "phone", "customer"})


class Channel(StrEnum):
    """Channels a customer can be reached on; consent is kept per channel."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    POST = "post"


class CustomerRef(Payload):
    """Identifies the customer an interaction belongs to; at least one field is present."""

    customer_id: SafeText | None = Field(default=None, min_length=1, max_length=64)
    email: SafeText | None = Field(default=None, max_length=320)
    phone: SafeText | None = Field(default=None, max_length=40)
    external_ids: ExternalIds = Field(default_factory=dict)

    @model_validator(mode="after")
    def _at_least_one(self) -> "CustomerRef":
        if not (self.customer_id or self.email or self.phone or self.external_ids):
            raise ValueError(
                "customer needs at least one of customer_id, email, phone, external_ids"
            )
        reserved = RESERVED_IDENTITY_KINDS & self.external_ids.keys()
        if reserved:
            raise ValueError(f"external id system names {sorted(reserved)} are reserved")
        return self


class Address(Payload):
    line1: SafeText | None = Field(default=None, max_length=200)
    line2: SafeText | None = Field(default=None, max_length=200)
    city: SafeText | None = Field(default=None, max_length=100)
    region: SafeText | None = Field(default=None, max_length=100)
    postal_code: SafeText | None = Field(default=None, max_length=20)
    country: SafeText | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2"
    )


class Consent(Payload):
    """One channel's consent: granted or withdrawn, on which legal basis, since when."""

    granted: bool
    legal_basis: SafeText = Field(min_length=1, max_length=64, examples=["consent", "contract"])
    at: WindowTime
    source: SafeText | None = Field(default=None, max_length=200)


class Profile(Payload):
    """Master data of a contact. Identifiers are stored normalised."""

    name: SafeText | None = Field(default=None, max_length=200)
    emails: tuple[Identifier, ...] = ()
    phones: tuple[Identifier, ...] = ()
    external_ids: ExternalIds = Field(default_factory=dict)
    birthday: date | None = None
    language: SafeText | None = Field(default=None, max_length=35, examples=["fa", "en-GB"])
    timezone: SafeText | None = Field(default=None, max_length=64, examples=["Asia/Tehran"])
    address: Address | None = None
    tags: tuple[Tag, ...] = ()
    preferred_channel: Channel | None = None
    consent: dict[Channel, Consent] = Field(default_factory=dict)


class ProfileChanges(Payload):
    """A partial profile: only the fields that changed are present."""

    name: SafeText | None = None
    birthday: date | None = None
    language: SafeText | None = None
    timezone: SafeText | None = None
    address: Address | None = None
    tags: tuple[Tag, ...] | None = None
    preferred_channel: Channel | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)
