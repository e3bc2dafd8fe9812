"""Normalisation: one spelling per identifier, precise reasons for bad ones, idempotence."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events.customer import CustomerRef
from shared.identity.normalise import (
    InvalidIdentifier,
    identities_of,
    normalise_email,
    normalise_identity,
    normalise_phone,
    ref_identities,
)

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Iranian mobile numbers: 09xx in the national format, +98 9xx internationally.
subscriber = st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"{n:07d}")
operator = st.sampled_from(["912", "935", "901", "990", "919"])


def spellings(op: str, sub: str) -> list[str]:
    national = f"0{op}{sub}"
    return [
        f"+98{op}{sub}",
        national,
        f"0098{op}{sub}",
        f"+98 {op} {sub[:3]} {sub[3:]}",
        f"({national[:4]}) {national[4:7]}-{national[7:]}",
        national.translate(PERSIAN),
        national.translate(ARABIC_INDIC),
        f"+98{op}{sub}".translate(PERSIAN),
    ]


@given(operator, subscriber)
def test_every_spelling_of_a_phone_is_one_e164_number(op: str, sub: str) -> None:
    assert {normalise_phone(s, "IR") for s in spellings(op, sub)} == {f"+98{op}{sub}"}


@given(operator, subscriber, st.sampled_from(["IR", "DE", "US"]))
def test_phone_normalisation_is_idempotent(op: str, sub: str, region: str) -> None:
    once = normalise_phone(f"+98{op}{sub}", region)
    assert normalise_phone(once, region) == once
    assert normalise_phone(once.translate(PERSIAN), region) == once


emails = st.emails()


@given(emails)
def test_email_normalisation_is_idempotent_and_lower_case(address: str) -> None:
    try:
        once = normalise_email(address)
    except InvalidIdentifier:
        return  # hypothesis can generate addresses email-validator rightly refuses
    assert once == once.lower()
    assert normalise_email(once) == once
    assert normalise_email(address.upper()) == once


def test_the_default_region_reads_national_numbers() -> None:
    assert normalise_phone("030 1234567", "DE") == "+49301234567"
    assert normalise_phone("(201) 555-0123", "US") == "+12015550123"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("not a phone", "not a phone number"), ("+98 912", "not a valid"), ("", "not a phone")],
)
def test_bad_phones_name_the_field(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_phone(raw, "IR", field="phones.0")
    assert caught.value.field == "phones.0"
    assert reason in caught.value.reason


@pytest.mark.parametrize("raw", ["no-at-sign", "a@", "@b.com", "a b@c.com", "a@b"])
def test_bad_emails_name_the_field(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_email(raw, field="emails.1")
    assert caught.value.field == "emails.1"


def test_a_bad_spelling_seen_before_still_names_the_field_it_came_from_now() -> None:
    """Good spellings are remembered; bad ones are refused anew each time they are given."""
    for field in ("customer.phone", "phones.2"):
        for raw in ("not a phone", "+98 912"):  # unreadable, and read but not a valid number
            with pytest.raises(InvalidIdentifier) as caught:
                normalise_phone(raw, "IR", field=field)
            assert caught.value.field == field
    for field in ("customer.email", "emails.0"):
        with pytest.raises(InvalidIdentifier) as caught:
            normalise_email("a@b", field=field)
        assert caught.value.field == field
    # the region is part of what is remembered: a number in Germany is none in Iran
    assert normalise_phone("030 1234567", "DE") == "+49301234567"
    assert normalise_phone("030 1234567", "de") == "+49301234567"
    with pytest.raises(InvalidIdentifier):
        normalise_phone("030 1234567", "IR")


def test_external_ids_are_trimmed_and_reserved_names_refused() -> None:
    assert normalise_identity("crm", "  123 ", "IR").key == "crm:123"
    with pytest.raises(InvalidIdentifier, match="reserved"):
        normalise_identity("customer", "x", "IR")
    with pytest.raises(InvalidIdentifier, match="system name"):
        normalise_identity("Bad.Kind", "x", "IR")
    with pytest.raises(InvalidIdentifier, match="1 to 128"):
        normalise_identity("crm", "   ", "IR")


def test_identities_of_a_profile_are_unique_and_name_the_failing_item() -> None:
    found = identities_of(
        emails=["A@Example.com", "a@example.com"],
        phones=["09121234567"],
        external_ids={"crm": "7"},
        default_region="IR",
    )
    assert [i.key for i in found] == ["email:a@example.com", "phone:+989121234567", "crm:7"]
    with pytest.raises(InvalidIdentifier) as caught:
        identities_of(phones=["09121234567", "12"], default_region="IR")
    assert caught.value.field == "phones.1"


def test_ref_identities_name_the_customer_block() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        ref_identities(CustomerRef(email="nope"), "IR")
    assert caught.value.field == "customer.email"
    keys = [i.key for i in ref_identities(CustomerRef(phone="۰۹۱۲۱۲۳۴۵۶۷"), "IR")]
    assert keys == ["phone:+989121234567"]
