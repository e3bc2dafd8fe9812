"""A contact's state as a pure fold of its events: `apply(state, event) -> state`.

Only the contacts service changes contacts (the interactions service asks its resolve endpoint),
so the state and its fold live here, next to the identity index they keep consistent. A merge or
unmerge event is applied to both customers' streams: the survivor's (where
it is published) and the merged customer's (where it is recorded for history and routing).
"""

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from services.contacts.domain.ids import new_event_id
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
from shared.identity.profiles import profile_identities, with_identities, without_identities

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
