"""Payloads and events of customer master data: `c360.contact.*` (key = customer id)."""

from enum import StrEnum
from typing import Literal

from pydantic import Field

from shared.events.customer import Channel, Consent, Profile, ProfileChanges
from shared.events.envelope import Envelope, Payload
from shared.events.text import SafeText, WholeNumber, WindowTime
from shared.events.types import EventType
from shared.events.upcasting import RawData, upcaster

CustomerId = Field(min_length=1, max_length=64)


class Origin(StrEnum):
    """Who caused a contact to exist: an explicit API call, or first sight in an interaction."""

    API = "api"
    AUTO = "auto"


class Identity(Payload):
    """A normalised identifier; its index key is `kind:value`."""

    kind: SafeText = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$", examples=["phone", "email", "crm"])
    value: SafeText = Field(min_length=1, max_length=320)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


class Acquisition(Payload):
    """How a new contact was acquired: the marketing channel and campaign it came through, and
    the touchpoint or system that brought it (e.g. `adapters/shop`)."""

    channel: SafeText = Field(min_length=1, max_length=64, examples=["paid_search", "referral"])
    campaign: SafeText | None = Field(default=None, min_length=1, max_length=128)
    source: SafeText | None = Field(default=None, min_length=1, max_length=500)


class ContactCreatedData(Payload):
    customer_id: SafeText = CustomerId
    origin: Origin
    profile: Profile
    acquisition: Acquisition | None = None


class ContactUpdatedData(Payload):
    customer_id: SafeText = CustomerId
    version: WholeNumber = Field(ge=1)
    changes: ProfileChanges


class IdentityLinkedData(Payload):
    customer_id: SafeText = CustomerId
    identity: Identity


# Merges chain (A into B, then B into C): every reader follows `merged_into` links at most this
# many times, so a cycle left by a bug ends instead of looping.
MAX_MERGE_HOPS = 16


class ContactMergedData(Payload):
    survivor_id: SafeText = CustomerId
    merged_id: SafeText = CustomerId
    reason: SafeText = Field(min_length=1, max_length=500)
    actor: SafeText | None = Field(default=None, max_length=64)
    moved_identities: tuple[Identity, ...] = ()


class ContactUnmergedData(Payload):
    survivor_id: SafeText = CustomerId
    merged_id: SafeText = CustomerId
    reason: SafeText = Field(min_length=1, max_length=500)
    actor: SafeText | None = Field(default=None, max_length=64)
    restored_identities: tuple[Identity, ...] = ()


class ConsentChangedData(Payload):
    customer_id: SafeText = CustomerId
    channel: Channel
    consent: Consent


class ContactErasedData(Payload):
    customer_id: SafeText = CustomerId
    reason: SafeText = Field(min_length=1, max_length=500)
    requested_at: WindowTime | None = None


class ContactCreated(Envelope):
    """v2 adds the optional `acquisition` block."""

    schema_version = 2
    type: Literal[EventType.CONTACT_CREATED]
    data: ContactCreatedData


@upcaster(EventType.CONTACT_CREATED, 1)
def _created_v1_to_v2(data: RawData) -> RawData:
    return data  # v1 had no acquisition block; v2 reads it as absent


class ContactUpdated(Envelope):
    type: Literal[EventType.CONTACT_UPDATED]
    data: ContactUpdatedData


class IdentityLinked(Envelope):
    type: Literal[EventType.IDENTITY_LINKED]
    data: IdentityLinkedData


class ContactMerged(Envelope):
    type: Literal[EventType.CONTACT_MERGED]
    data: ContactMergedData


class ContactUnmerged(Envelope):
    type: Literal[EventType.CONTACT_UNMERGED]
    data: ContactUnmergedData


class ConsentChanged(Envelope):
    type: Literal[EventType.CONSENT_CHANGED]
    data: ConsentChangedData


class ContactErased(Envelope):
    type: Literal[EventType.CONTACT_ERASED]
    data: ContactErasedData


ContactEvent = (
    ContactCreated
    | ContactUpdated
    | IdentityLinked
    | ContactMerged
    | ContactUnmerged
    | ConsentChanged
    | ContactErased
)
