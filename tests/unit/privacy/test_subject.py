"""The person an erasure scan looks for, read from a subject-access export: every personal field
of the log's one table, of the profile and of the notifications."""

from typing import Any

import pytest

from shared.events.customer import Address
from shared.privacy.needles import Subject
from shared.privacy.personal import PERSONAL_FIELDS, PERSONAL_NOTIFICATION_FIELDS, Path
from shared.privacy.subject import (
    NOTIFICATION_FIELDS,
    NOTIFICATION_NOT_SEARCHED,
    subject_from_export,
)

EXPORT = {
    "contact": {
        "name": "Ali Rezaei",
        "emails": ["ali.rezaei@example.com"],
        "phones": ["+989124441122"],
        "external_ids": {"crm": "CRM-1001"},
        "birthday": "1990-05-01",
        "address": {"line1": "12 Vali-Asr Street", "city": "Tehran", "postal_code": "1458889"},
    },
    "history": [
        {
            "type": "c360.contact.identity.linked",
            "data": {"identity": {"kind": "loyalty", "value": "L-77881"}},
        },
        {
            "type": "c360.contact.merged",
            "data": {"moved_identities": [{"kind": "email", "value": "ali@old.example"}]},
        },
    ],
    "timeline": [
        {"type": "call", "data": {"customer": {"phone": "+989124441122"}, "notes": "Called twice"}},
        {"type": "purchase", "data": {"order_id": "o-1", "amount_minor": 4200}},
        {"type": "sms", "data": {"text": "[erased]"}},
    ],
    "notifications": [
        {"target": "customer", "subject": "Your complaint C-9", "body": "Dear Ali", "error": None}
    ],
}


def test_every_personal_value_of_the_export_is_looked_for() -> None:
    subject = subject_from_export(EXPORT)
    assert set(subject.identifiers) == {
        ("email", "ali.rezaei@example.com"),
        ("phone", "+989124441122"),
        ("crm", "CRM-1001"),
        ("loyalty", "L-77881"),
        ("email", "ali@old.example"),
    }
    assert set(subject.texts) == {
        ("profile.name", "Ali Rezaei"),
        ("profile.birthday", "1990-05-01"),
        ("profile.address.line1", "12 Vali-Asr Street"),
        ("profile.address.city", "Tehran"),
        ("profile.address.postal_code", "1458889"),
        ("notes", "Called twice"),
        ("notification.subject", "Your complaint C-9"),
        ("notification.body", "Dear Ali"),
    }


def test_anonymous_facts_and_placeholders_are_not_looked_for() -> None:
    subject = subject_from_export(EXPORT)
    looked_for = {v for _, v in subject.identifiers} | {v for _, v in subject.texts}
    assert not looked_for & {"o-1", "4200", "[erased]", "customer", "purchase"}
    assert subject_from_export({}) == Subject()


@pytest.mark.parametrize(
    ("event_type", "path"),
    [(t, f.path) for t, fields in PERSONAL_FIELDS.items() for f in fields],
    ids=lambda p: ".".join(p) if isinstance(p, tuple) else str(p),
)
def test_every_personal_field_of_the_log_is_looked_for(event_type: Any, path: Path) -> None:
    """A field added to `PERSONAL_FIELDS` is searched, or this fails for it."""
    data: dict[str, Any] = {}
    parent = data
    for key in path[:-1]:
        parent = parent.setdefault(key, {})
    parent[path[-1]] = sample(path)
    subject = subject_from_export({"timeline": [{"type": event_type.value, "data": data}]})
    looked_for = {v for _, v in subject.identifiers} | {v for _, v in subject.texts}
    assert looked_for >= set(values_in(parent[path[-1]])), path


def sample(path: Path) -> Any:
    """A value of the shape the field holds, every part of it distinct."""
    name = path[-1]
    tag = "-".join(path)
    if name in ("emails", "phones"):
        return [f"{tag}-1", f"{tag}-2"]
    if name == "external_ids":
        return {"crm": f"{tag}-crm"}
    if name == "address":
        return {field: f"{tag}-{field}" for field in Address.model_fields}
    if name.endswith("identities"):
        return [{"kind": "email", "value": f"{tag}-moved"}]
    return f"{tag}-value"


def values_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in values_in(item) if v != "email"]
    if isinstance(value, list):
        return [v for item in value for v in values_in(item)]
    return [value]


def test_every_personal_field_of_a_notification_is_looked_for_or_said_why_not() -> None:
    searched = set(NOTIFICATION_FIELDS.values()) | set(NOTIFICATION_NOT_SEARCHED)
    assert searched == set(PERSONAL_NOTIFICATION_FIELDS)
