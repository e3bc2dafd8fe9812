"""Pure decisions of the contacts API: state + command -> a `Commit` (or a refusal).

Creating and linking live in `commands`, because the identity resolver needs them too.
"""

from datetime import datetime

from services.contacts.domain.commands import Commit
from services.contacts.domain.contact import ContactState, apply, new_event
from services.contacts.domain.errors import RuleViolation
from shared.events.contacts import (
    ConsentChanged,
    ConsentChangedData,
    ContactErased,
    ContactErasedData,
    ContactMerged,
    ContactMergedData,
    ContactUnmerged,
    ContactUnmergedData,
    ContactUpdated,
    ContactUpdatedData,
)
from shared.events.customer import Channel, Consent, ProfileChanges
from shared.events.types import EventType


def update(state: ContactState, changes: ProfileChanges) -> Commit | None:
    """Apply profile changes; None when nothing would change."""
    current = state.profile
    differing = {
        name: value
        for name, value in changes.model_dump(exclude_none=True).items()
        if getattr(changes, name) != getattr(current, name)
    }
    if not differing:
        return None
    only = ProfileChanges(**{name: getattr(changes, name) for name in differing})
    data = ContactUpdatedData(
        customer_id=state.customer_id, version=state.version + 1, changes=only
    )
    event = new_event(ContactUpdated, EventType.CONTACT_UPDATED, state.customer_id, data)
    return Commit(event, (apply(state, event),))


def set_consent(state: ContactState, channel: Channel, consent: Consent) -> Commit | None:
    """Record a channel's consent; None when it is already exactly that."""
    if state.profile.consent.get(channel) == consent:
        return None
    data = ConsentChangedData(customer_id=state.customer_id, channel=channel, consent=consent)
    event = new_event(ConsentChanged, EventType.CONSENT_CHANGED, state.customer_id, data)
    return Commit(event, (apply(state, event),))


def merge(survivor: ContactState, merged: ContactState, reason: str, actor: str | None) -> Commit:
    """Fold `merged` into `survivor`: its identifiers move, its own record is kept for unmerge."""
    if survivor.customer_id == merged.customer_id:
        raise RuleViolation("merged_id", "a customer cannot be merged into itself", 422)
    for role, state in (("survivor_id", survivor), ("merged_id", merged)):
        if state.merged_into:
            raise RuleViolation(role, f"{state.customer_id} is merged into {state.merged_into}")
        if state.erased:
            raise RuleViolation(role, f"{state.customer_id} is erased")
    moved = tuple(merged.identities())
    data = ContactMergedData(
        survivor_id=survivor.customer_id,
        merged_id=merged.customer_id,
        reason=reason,
        actor=actor,
        moved_identities=moved,
    )
    event = new_event(ContactMerged, EventType.CONTACT_MERGED, survivor.customer_id, data)
    index = tuple((i.key, survivor.customer_id) for i in moved)
    return Commit(event, (apply(survivor, event), apply(merged, event)), index)


def unmerge(survivor: ContactState, merged: ContactState, reason: str, actor: str | None) -> Commit:
    """Undo `merge`: the merged customer and its identifiers come back as they were."""
    if merged.merged_into != survivor.customer_id:
        raise RuleViolation("customer_id", f"{merged.customer_id} is not merged")
    if survivor.merged_into:
        raise RuleViolation(
            "customer_id",
            f"its survivor {survivor.customer_id} is itself merged into {survivor.merged_into}; "
            f"unmerge {survivor.customer_id} first",
        )
    if survivor.erased:
        raise RuleViolation("customer_id", f"its survivor {survivor.customer_id} is erased")
    restored = tuple(merged.identities())
    data = ContactUnmergedData(
        survivor_id=survivor.customer_id,
        merged_id=merged.customer_id,
        reason=reason,
        actor=actor,
        restored_identities=restored,
    )
    event = new_event(ContactUnmerged, EventType.CONTACT_UNMERGED, survivor.customer_id, data)
    index = tuple((i.key, merged.customer_id) for i in restored)
    return Commit(event, (apply(survivor, event), apply(merged, event)), index)


def erase(state: ContactState, reason: str, requested_at: datetime) -> Commit:
    """Forget the personal data; a tombstone (id, version, `erased`) remains."""
    if state.merged_into:
        raise RuleViolation("customer_id", f"merged into {state.merged_into}; erase that one")
    data = ContactErasedData(
        customer_id=state.customer_id, reason=reason, requested_at=requested_at
    )
    event = new_event(ContactErased, EventType.CONTACT_ERASED, state.customer_id, data)
    index = tuple((i.key, None) for i in state.identities())
    return Commit(event, (apply(state, event),), index)
