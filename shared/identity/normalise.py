"""Normalising identifiers: one spelling per email, phone and external id, so one index key.

Phones go to E.164 through `phonenumbers` (a number without `+country` is read in the configured
default region; Persian and Arabic-Indic digits are accepted); emails through `email-validator`
(syntax only, no DNS) and lower-cased whole, since mailbox case-sensitivity is never relied on
in practice and two spellings must not become two customers.
"""

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from shared.events.contacts import Identity
from shared.events.customer import RESERVED_IDENTITY_KINDS, CustomerRef

EMAIL = "email"
PHONE = "phone"
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, written by agents on local keyboards.
_LOCAL_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_MAX_EXTERNAL_ID = 128
REMEMBERED = 65_536  # spellings of phones, and of emails, kept normalised


@dataclass
class InvalidIdentifier(ValueError):
    """An identifier that cannot be normalised; `field` names where it came from."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


def normalise_phone(raw: str, default_region: str, field: str = PHONE) -> str:
    """E.164 (`+989121234567`) for any spelling of a valid number."""
    try:
        e164 = _e164(raw, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(field, f"{raw!r} is not a phone number ({exc})") from None
    if e164 is None:
        raise InvalidIdentifier(field, f"{raw!r} is not a valid phone number")
    return e164


def normalise_email(raw: str, field: str = EMAIL) -> str:
    """The address lower-cased, with a syntactically valid domain (no DNS lookup)."""
    try:
        return _email(raw)
    except EmailNotValidError as exc:
        raise InvalidIdentifier(field, f"{raw!r} is not a valid email address: {exc}") from None


# Normalising is a pure function of the spelling and costs 35-40 µs; a history import names each
# customer's identifiers again in every event. So spellings are remembered (least recently used
# go first); one that cannot be read raises every time, since nothing is kept of an exception.
@lru_cache(maxsize=REMEMBERED)
def _e164(raw: str, region: str) -> str | None:
    """None: read as a number, but not a valid one."""
    number = phonenumbers.parse(raw.translate(_LOCAL_DIGITS).strip(), region)
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=REMEMBERED)
def _email(raw: str) -> str:
    return validate_email(raw.strip(), check_deliverability=False).normalized.lower()


def normalise_external(system: str, value: str, field: str | None = None) -> Identity:
    """An external id such as a CRM number: the system name and the value, trimmed."""
    where = field or f"external_ids.{system}"
    if system in RESERVED_IDENTITY_KINDS:
        raise InvalidIdentifier(where, f"{system!r} is reserved; use the {system} field")
    trimmed = value.strip()
    if not trimmed or len(trimmed) > _MAX_EXTERNAL_ID:
        raise InvalidIdentifier(where, f"an external id has 1 to {_MAX_EXTERNAL_ID} characters")
    try:
        return Identity(kind=system, value=trimmed)
    except ValueError:
        raise InvalidIdentifier(
            where, f"{system!r} is not a system name (lower-case letters, digits, - and _)"
        ) from None


def normalise_identity(
    kind: str, value: str, default_region: str, field: str = "value"
) -> Identity:
    """Any identifier by kind: `email`, `phone`, or an external system name."""
    if kind == EMAIL:
        return Identity(kind=EMAIL, value=normalise_email(value, field))
    if kind == PHONE:
        return Identity(kind=PHONE, value=normalise_phone(value, default_region, field))
    return normalise_external(kind, value, field)


def identities_of(
    *,
    emails: tuple[str, ...] | list[str] = (),
    phones: tuple[str, ...] | list[str] = (),
    external_ids: dict[str, str] | None = None,
    default_region: str,
    prefix: str = "",
) -> list[Identity]:
    """Normalise every identifier, naming the offending field (`emails.1`, `phones.0`...)."""
    found = [
        Identity(kind=EMAIL, value=normalise_email(e, f"{prefix}emails.{i}"))
        for i, e in enumerate(emails)
    ]
    found += [
        Identity(kind=PHONE, value=normalise_phone(p, default_region, f"{prefix}phones.{i}"))
        for i, p in enumerate(phones)
    ]
    found += [
        normalise_external(system, value, f"{prefix}external_ids.{system}")
        for system, value in (external_ids or {}).items()
    ]
    return unique(found)


def ref_identities(ref: CustomerRef, default_region: str) -> list[Identity]:
    """The identifiers an interaction's `customer` block carries, normalised."""
    found: list[Identity] = []
    if ref.email:
        found.append(Identity(kind=EMAIL, value=normalise_email(ref.email, "customer.email")))
    if ref.phone:
        phone = normalise_phone(ref.phone, default_region, "customer.phone")
        found.append(Identity(kind=PHONE, value=phone))
    found += [
        normalise_external(system, value, f"customer.external_ids.{system}")
        for system, value in ref.external_ids.items()
    ]
    return unique(found)


def unique(identities: list[Identity]) -> list[Identity]:
    """Drop repeats, keeping first-seen order."""
    seen: dict[str, Identity] = {}
    for identity in identities:
        seen.setdefault(identity.key, identity)
    return list(seen.values())
