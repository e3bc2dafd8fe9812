"""The person an erasure scan looks for, read from a subject-access export."""

from shared.privacy.needles import Subject
from shared.privacy.subject import subject_from_export

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
    "notifications": [{"target": "email", "subject": "Your complaint C-9", "body": None}],
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
        "Ali Rezaei",
        "12 Vali-Asr Street",
        "1458889",
        "Called twice",
    }


def test_anonymous_facts_and_placeholders_are_not_looked_for() -> None:
    subject = subject_from_export(EXPORT)
    looked_for = {v for _, v in subject.identifiers} | set(subject.texts)
    assert not looked_for & {"o-1", "Tehran", "1990-05-01", "[erased]", "Your complaint C-9"}
    assert subject_from_export({}) == Subject()
