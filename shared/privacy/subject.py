"""The person to look for, read from a subject-access export (`c360 export`). Pure.

Which values are personal is the log's own table (`shared/privacy/personal.py`): the scan looks
for exactly what sealing hides — every personal field of every event of the contact and of the
timeline, the profile's fields (every address field, the birthday), and the personal fields of
the notifications. Texts are labelled by the field that held them (`profile.address.city`), which
is what tells `needles` whether many people may share the value.
"""

from typing import Any

from shared.events.customer import Address
from shared.events.types import EventType
from shared.privacy.needles import Pair, Subject
from shared.privacy.personal import ERASED_TEXT, PERSONAL_FIELDS

BY_SHORT_NAME = {t.short_name: t for t in EventType}
IDENTIFIER_LISTS = {"emails": "email", "phones": "phone"}
IDENTIFIER_FIELDS = {"email": "email", "phone": "phone"}
PROFILE_TEXTS = ("name", "birthday")
# A notification as the export shows it: public name -> the notifier's personal field.
NOTIFICATION_FIELDS = {"subject": "subject", "body": "body", "error": "error"}
NOTIFICATION_NOT_SEARCHED = {
    "target": "the export shows the rule's target (customer, team:…), not the address",
    "masked_target": "masked; the address it masks is the profile's email or phone",
}


def subject_from_export(document: dict[str, Any]) -> Subject:
    """Everything personal in an export: the contact, its events, the timeline and the
    notifications."""
    subject = _profile(document.get("contact") or {}, "profile")
    for event in document.get("history") or []:
        subject = subject.merged(_event(event.get("type"), event.get("data")))
    for item in document.get("timeline") or []:
        subject = subject.merged(_event(item.get("type"), item.get("data")))
    for notification in document.get("notifications") or []:
        subject = subject.merged(_notification(notification))
    return subject


def _profile(profile: dict[str, Any], field: str) -> Subject:
    identifiers: list[Pair] = []
    for name, kind in IDENTIFIER_LISTS.items():
        identifiers += [(kind, v) for v in profile.get(name) or [] if _text(v)]
    identifiers += _external(profile.get("external_ids"))
    texts = [(f"{field}.{n}", str(profile[n])) for n in PROFILE_TEXTS if _text(profile.get(n))]
    texts += _address(profile.get("address"), f"{field}.address")
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
            subject = subject.merged(_value(personal.path, parent))
    return subject


def _value(path: tuple[str, ...], parent: dict[str, Any]) -> Subject:
    """One personal field's value as identifiers and texts, by what the field holds."""
    name, field = path[-1], ".".join(path)
    value = parent.get(name)
    if value is None:
        return Subject()
    if name in IDENTIFIER_FIELDS and _text(value):
        return Subject(identifiers=((IDENTIFIER_FIELDS[name], value),))
    if name in IDENTIFIER_LISTS or name == "external_ids":
        return _profile({name: value}, field)
    if name == "address":
        return Subject(texts=tuple(_address(value, field)))
    if name == "value":  # identity.linked: {kind, value}
        return _identities([parent])
    if isinstance(value, list):  # the identities a merge or an unmerge moves
        return _identities(value)
    return Subject(texts=((field, str(value)),)) if _text(value) else Subject()


def _notification(item: dict[str, Any]) -> Subject:
    texts = [
        (f"notification.{field}", item[public])
        for public, field in NOTIFICATION_FIELDS.items()
        if _text(item.get(public))
    ]
    return Subject(texts=tuple(texts))


def _identities(items: list[Any]) -> Subject:
    pairs = [(str(i.get("kind")), i.get("value")) for i in items if isinstance(i, dict)]
    return Subject(identifiers=tuple((k, str(v)) for k, v in pairs if _text(v)))


def _external(ids: object) -> list[Pair]:
    return [(str(k), v) for k, v in ids.items() if _text(v)] if isinstance(ids, dict) else []


def _address(address: object, field: str) -> list[Pair]:
    """Every field of an address (`Address`, the contract's model), each on its own."""
    if not isinstance(address, dict):
        return []
    return [(f"{field}.{k}", address[k]) for k in Address.model_fields if _text(address.get(k))]


def _type(name: object) -> EventType | None:
    if not isinstance(name, str):
        return None
    try:
        return EventType(name)
    except ValueError:
        return BY_SHORT_NAME.get(name)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value != ERASED_TEXT
