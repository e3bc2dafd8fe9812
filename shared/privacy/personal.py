"""Which fields of which event identify or describe a person: the ones sealed in the log.

Amounts, types, times, SKUs, channels and outcomes stay in clear, so aggregates survive an
erasure anonymously. A path is a tuple of keys inside `data`. When the customer's key is gone, a
sealed field reads as its `erased` value: left out (None) for optional fields, a placeholder for
required ones, so every erased event still validates and folds (it is never poison).
"""

from dataclasses import dataclass
from typing import Any

from shared.events.types import EventType

ERASED_TEXT = "[erased]"
Path = tuple[str, ...]


@dataclass(frozen=True)
class PersonalField:
    path: Path
    erased: Any = None  # None: the field is left out of the erased event


def _optional(*dotted: str) -> tuple[PersonalField, ...]:
    return tuple(PersonalField(tuple(d.split("."))) for d in dotted)


def _required(*dotted: str) -> tuple[PersonalField, ...]:
    return tuple(PersonalField(tuple(d.split(".")), ERASED_TEXT) for d in dotted)


_CUSTOMER = _optional("customer.email", "customer.phone", "customer.external_ids")
_PROFILE = _optional(
    "profile.name",
    "profile.emails",
    "profile.phones",
    "profile.external_ids",
    "profile.birthday",
    "profile.address",
)

PERSONAL_FIELDS: dict[EventType, tuple[PersonalField, ...]] = {
    EventType.CALL: _CUSTOMER + _optional("notes"),
    EventType.EMAIL: _CUSTOMER + _optional("subject", "body_preview"),
    EventType.CHAT: _CUSTOMER + _optional("transcript_preview"),
    EventType.SMS: _CUSTOMER + _required("text"),
    EventType.PURCHASE: _CUSTOMER,
    EventType.REFUND: _CUSTOMER + _optional("reason"),
    EventType.COMPLAINT_OPENED: _CUSTOMER + _required("subject") + _optional("description"),
    EventType.COMPLAINT_UPDATED: _CUSTOMER + _optional("comment"),
    EventType.COMPLAINT_RESOLVED: _CUSTOMER + _required("resolution") + _optional("comment"),
    EventType.SURVEY_RESPONSE: _CUSTOMER + _optional("comment"),
    EventType.VISIT: _CUSTOMER,
    EventType.NOTE: _CUSTOMER + _required("text"),
    EventType.CONTACT_CREATED: _PROFILE,
    EventType.CONTACT_UPDATED: _optional("changes.name", "changes.birthday", "changes.address"),
    EventType.IDENTITY_LINKED: _required("identity.value"),
    EventType.CONTACT_MERGED: (PersonalField(("moved_identities",), []),),
    EventType.CONTACT_UNMERGED: (PersonalField(("restored_identities",), []),),
    EventType.NOTIFICATION_SENT: _optional("target"),
    EventType.NOTIFICATION_DELIVERED: _optional("target"),
    EventType.NOTIFICATION_FAILED: _optional("target") + _required("error"),
    EventType.NOTIFICATION_SUPPRESSED: _optional("target"),
}

# The notifier's record of a notification (not an event): its personal fields, sealed on
# `c360.notifications.failed` and blanked by an erasure. `target` names whom it went to.
PERSONAL_NOTIFICATION_FIELDS = ("target", "subject", "body", "masked_target", "error")


def customer_of(document: dict[str, Any]) -> str | None:
    """The customer whose key seals this event: its subject, else the id in its data."""
    data = document.get("data")
    data = data if isinstance(data, dict) else {}
    customer = data.get("customer")
    candidates = [
        document.get("subject"),
        data.get("customer_id"),
        data.get("survivor_id"),
        customer.get("customer_id") if isinstance(customer, dict) else None,
    ]
    return next((c for c in candidates if isinstance(c, str) and c), None)
