"""A contact's state as a pure fold of its events: `apply(state, event) -> state`.

The contacts service and the identity resolver (which runs inside the interactions service) both
change contacts, so the state and its fold live here, next to the identity index they keep
consistent. A merge or unmerge event is applied to both customers' streams: the survivor's (where
it is published) and the merged customer's (where it is recorded for history and routing).
"""

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.events.contacts import (
    ConsentChanged,
    ContactCreated,
    ContactErased,
    ContactEvent,
    ContactMerged,
    ContactUnmerged,
    ContactUpdated,
    Identity,
    IdentityLinked,
    Origin,
)
from shared.events.customer import Profile
from shared.events.envelope import Envelope, Payload
from shared.events.types import EventType
from shared.identity.ids import new_event_id
from shared.identity.normalise import EMAIL, PHONE

SOURCE = "services/contacts"
E = TypeVar("E", bound=Envelope)


class ContactState(BaseModel):
    """What the store keeps per customer (`contacts`, `_id` = customer id)."""

    model_config = ConfigDict(frozen=True)

    customer_id: str
    version: int
    origin: Origin
    profile: Profile
    merged_into: str | None = None
    merged_from: tuple[str, ...] = ()
    erased: bool = False
    created_at: datetime
    updated_at: datetime

    def identities(self) -> list[Identity]:
        """Every identifier of this customer, as index entries."""
        return profile_identities(self.profile)


class ContactMissing(LookupError):
    """The event does not apply to an absent contact (or `created` to an existing one)."""


def profile_identities(profile: Profile) -> list[Identity]:
    found = [Identity(kind=EMAIL, value=e) for e in profile.emails]
    found += [Identity(kind=PHONE, value=p) for p in profile.phones]
    return found + [Identity(kind=k, value=v) for k, v in profile.external_ids.items()]


def with_identities(profile: Profile, identities: tuple[Identity, ...] | list[Identity]) -> Profile:
    """The profile with identifiers added (external ids replace the same system's value)."""
    emails, phones = list(profile.emails), list(profile.phones)
    external = dict(profile.external_ids)
    for identity in identities:
        if identity.kind == EMAIL and identity.value not in emails:
            emails.append(identity.value)
        elif identity.kind == PHONE and identity.value not in phones:
            phones.append(identity.value)
        elif identity.kind not in (EMAIL, PHONE):
            # One value per system in a profile; a second one (brought by a merge) stays in the
            # index only, so an unmerge never removes the survivor's own.
            external.setdefault(identity.kind, identity.value)
    return profile.model_copy(
        update={"emails": tuple(emails), "phones": tuple(phones), "external_ids": external}
    )


def without_identities(profile: Profile, identities: tuple[Identity, ...]) -> Profile:
    keys = {i.key for i in identities}
    keep = [i for i in profile_identities(profile) if i.key not in keys]
    bare = profile.model_copy(update={"emails": (), "phones": (), "external_ids": {}})
    return with_identities(bare, keep)


def new_event(cls: type[E], event_type: EventType, subject: str, data: Payload) -> E:
    """A fresh contact event with a unique id, produced by the contacts service."""
    return cls(
        id=new_event_id(),
        source=SOURCE,
        type=event_type,
        time=datetime.now().astimezone(),
        subject=subject,
        data=data,
    )


def apply(state: ContactState | None, event: ContactEvent) -> ContactState:
    """The state after `event`; raises ContactMissing when the event cannot apply."""
    if isinstance(event, ContactCreated):
        if state is not None:
            raise ContactMissing(f"{state.customer_id} already exists")
        return ContactState(
            customer_id=event.data.customer_id,
            version=1,
            origin=event.data.origin,
            profile=event.data.profile,
            created_at=event.time,
            updated_at=event.time,
        )
    if state is None:
        raise ContactMissing(f"{event.type.value} for a contact that does not exist")
    changes = _changes(state, event)
    return state.model_copy(
        update={**changes, "version": state.version + 1, "updated_at": event.time}
    )


def _changes(state: ContactState, event: ContactEvent) -> dict[str, Any]:
    profile = state.profile
    if isinstance(event, ContactUpdated):
        fields = event.data.changes
        present = {name: getattr(fields, name) for name in type(fields).model_fields}
        return {"profile": profile.model_copy(update=_not_none(present))}
    if isinstance(event, IdentityLinked):
        return {"profile": with_identities(profile, [event.data.identity])}
    if isinstance(event, ConsentChanged):
        consent = {**profile.consent, event.data.channel: event.data.consent}
        return {"profile": profile.model_copy(update={"consent": consent})}
    if isinstance(event, ContactMerged):
        if state.customer_id == event.data.merged_id:
            return {"merged_into": event.data.survivor_id}
        return {
            "profile": with_identities(profile, event.data.moved_identities),
            "merged_from": (*state.merged_from, event.data.merged_id),
        }
    if isinstance(event, ContactUnmerged):
        if state.customer_id == event.data.merged_id:
            return {"merged_into": None}
        return {
            "profile": without_identities(profile, event.data.restored_identities),
            "merged_from": tuple(m for m in state.merged_from if m != event.data.merged_id),
        }
    if isinstance(event, ContactErased):
        return {"profile": Profile(), "erased": True}
    raise ContactMissing(f"{event.type.value} cannot follow an existing contact")


def _not_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
