"""Pure decisions shared by the contacts API and the resolver: creating and linking.

Each returns a `Commit`: the event plus every state and index entry it changes, ready for the
journal. Nothing here does I/O.
"""

from dataclasses import dataclass

from services.contacts.domain.contact import ContactState, apply, new_event
from shared.events.contacts import (
    Acquisition,
    ContactCreated,
    ContactCreatedData,
    ContactEvent,
    Identity,
    IdentityLinked,
    IdentityLinkedData,
    Origin,
)
from shared.events.customer import Profile
from shared.events.types import EventType
from shared.identity.profiles import with_identities


@dataclass(frozen=True)
class Commit:
    """One event and everything it changes. `states[0]` is the customer it is keyed by."""

    event: ContactEvent
    states: tuple[ContactState, ...]
    index: tuple[tuple[str, str | None], ...] = ()  # identity key -> owner; None removes
    publish: bool = True

    @property
    def key(self) -> str:
        return self.states[0].customer_id


def create(
    customer_id: str, origin: Origin, profile: Profile, acquisition: Acquisition | None = None
) -> Commit:
    """A new contact. Its identifiers must already be claimed in the index for `customer_id`."""
    data = ContactCreatedData(
        customer_id=customer_id, origin=origin, profile=profile, acquisition=acquisition
    )
    event = new_event(ContactCreated, EventType.CONTACT_CREATED, customer_id, data)
    return Commit(event, (apply(None, event),))


def link(state: ContactState, identity: Identity) -> Commit:
    """Add an identifier (already claimed for this customer) to the contact."""
    data = IdentityLinkedData(customer_id=state.customer_id, identity=identity)
    event = new_event(IdentityLinked, EventType.IDENTITY_LINKED, state.customer_id, data)
    return Commit(event, (apply(state, event),), index=((identity.key, state.customer_id),))


def profile_with(identities: list[Identity], base: Profile | None = None) -> Profile:
    """`base` (or an empty profile) carrying these identifiers."""
    return with_identities(base or Profile(), identities)
