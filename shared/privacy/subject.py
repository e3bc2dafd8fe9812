"""The person to look for, read from a subject-access export (`c360 export`). Pure.

Which values are personal is the log's own table (`shared/privacy/personal.py`): the scan looks
for exactly what sealing hides. Birthdays and cities are left out: a bare date matches event
times and a city matches other customers' addresses.
"""

from typing import Any

from shared.events.types import EventType
from shared.privacy.needles import Subject
from shared.privacy.personal import PERSONAL_FIELDS

BY_SHORT_NAME = {t.short_name: t for t in EventType}
IDENTIFIER_LISTS = {"emails": "email", "phones": "phone"}
IDENTIFIER_FIELDS = {"email": "email", "phone": "phone"}
ADDRESS_LINES = ("line1", "line2", "postal_code")
NOT_SEARCHED = ("birthday",)


def subject_from_export(document: dict[str, Any]) -> Subject:
    """Everything personal in an export: the contact, its events and the timeline. Notification
    subjects are not searched: rendered from one template for every customer, they would match
    other customers' notifications; what is personal in them comes from the profile and events."""
    subject = _profile(document.get("contact") or {})
    for event in document.get("history") or []:
        subject = subject.merged(_event(event.get("type"), event.get("data")))
    for item in document.get("timeline") or []:
        subject = subject.merged(_event(item.get("type"), item.get("data")))
    return subject


def _profile(profile: dict[str, Any]) -> Subject:
    identifiers: list[tuple[str, str]] = []
    for name, kind in IDENTIFIER_LISTS.items():
        identifiers += [(kind, v) for v in profile.get(name) or [] if _text(v)]
    identifiers += _external(profile.get("external_ids"))
    texts = [profile["name"]] if _text(profile.get("name")) else []
    texts += _address(profile.get("address"))
    return Subject(tuple(identifiers), tuple(texts))


def _event(type_name: object, data: object) -> Subject:
    event_type = _type(type_name)
    if event_type is None or not isinstance(data, dict):
        return Subject()
    subject = Subject()
    for personal in PERSONAL_FIELDS.get(event_type, ()):
        parent: Any = data
        for key in personal.path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            subject = subject.merged(_value(personal.path[-1], parent))
    return subject


def _value(name: str, parent: dict[str, Any]) -> Subject:
    """One personal field's value as identifiers and texts, by what the field holds."""
    value = parent.get(name)
    if value is None or name in NOT_SEARCHED:
        return Subject()
    if name in IDENTIFIER_FIELDS and _text(value):
        return Subject(identifiers=((IDENTIFIER_FIELDS[name], value),))
    if name in IDENTIFIER_LISTS or name == "external_ids":
        return _profile({name: value})
    if name == "address":
        return Subject(texts=tuple(_address(value)))
    if name == "value":  # identity.linked: {kind, value}
        return _identities([parent])
    if isinstance(value, list):  # the identities a merge or an unmerge moves
        return _identities(value)
    return Subject(texts=(value,)) if _text(value) else Subject()


def _identities(items: list[Any]) -> Subject:
    pairs = [(str(i.get("kind")), i.get("value")) for i in items if isinstance(i, dict)]
    return Subject(identifiers=tuple((k, str(v)) for k, v in pairs if _text(v)))


def _external(ids: object) -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in ids.items() if _text(v)] if isinstance(ids, dict) else []


def _address(address: object) -> list[str]:
    if not isinstance(address, dict):
        return []
    return [address[k] for k in ADDRESS_LINES if _text(address.get(k))]


def _type(name: object) -> EventType | None:
    if not isinstance(name, str):
        return None
    try:
        return EventType(name)
    except ValueError:
        return BY_SHORT_NAME.get(name)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value != "[erased]"
