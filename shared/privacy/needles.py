"""What an erasure scan looks for: a person's identifiers and texts in every encoding c360 writes.

Pure. A `Subject` is what was known about the person before the erasure; `needles_of` spells each
value the ways it can land in a topic record or a stored document: UTF-8 (JSON and BSON strings),
JSON's `\\uXXXX` escapes (lower- and upper-case hex), case-folded, Persian and Arabic-Indic digits
for phones (national, international and E.164 forms), Persian/Arabic letter variants of ی and ک,
and base64 at each of the three byte alignments (for values stored as bytes).

A value other people may hold too — under 5 characters ("Ali", "علی", a house number), a birthday,
a city or any part of an address but its street lines, a notification's subject, body or error
rendered from one template, a notification event's masked recipient — is a *whole* needle: it
counts only as a whole value or word (no letter, digit or joiner on either side: a complete JSON
string, a complete BSON string element, a word in free text; a birthday also as a BSON datetime)
and only in a record or document that names the customer's id. A `Matcher` (`matching`) finds
needles in raw bytes and says which matched without the value.
"""

import base64
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import phonenumbers

# Shorter values ("Ali", "ok", "12") would match unrelated records as substrings.
MIN_TEXT_CHARS = 5
# Parts of a field's name that mark a value many people share; `target` is a notification
# event's recipient, masked (`a***@example.com`).
SHARED_PARTS = frozenset(
    {"birthday", "city", "region", "country", "postal_code", "notification", "target"}
)
# Shorter base64 runs turn up by chance in ciphertext.
MIN_BASE64_CHARS = 8
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TO_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Persian keyboards and Arabic ones write the same name with different code points.
LETTER_VARIANTS = (str.maketrans("یک", "يك"), str.maketrans("يك", "یک"))
Pair = tuple[str, str]


@dataclass(frozen=True)
class Subject:
    """A person as c360 knew them: identifiers by kind (email, phone, crm, ...) and texts by the
    field that held them (name, notes, address.city, notification.subject, ...)."""

    identifiers: tuple[Pair, ...] = ()
    texts: tuple[Pair, ...] = ()

    def merged(self, other: "Subject") -> "Subject":
        return Subject(
            tuple(dict.fromkeys(self.identifiers + other.identifiers)),
            tuple(dict.fromkeys(self.texts + other.texts)),
        )

    @property
    def empty(self) -> bool:
        return not self.identifiers and not self.texts


@dataclass(frozen=True)
class Needle:
    label: str  # names the value by kind and position and the encoding, never the value itself
    pattern: bytes
    whole: bool = False  # counts only as a whole value or word, in the customer's own records

    @property
    def exact(self) -> bool:
        """Base64 and binary datetimes are matched byte for byte; text ASCII case-insensitively."""
        return self.label.endswith(("base64", "bson-datetime"))


@dataclass(frozen=True)
class Needles:
    needles: tuple[Needle, ...]

    @property
    def whole_labels(self) -> list[str]:
        """The values searched as whole values or words only, by label."""
        return list(dict.fromkeys(n.label.split()[0] for n in self.needles if n.whole))


def is_shared(kind: str, value: str) -> bool:
    """Whether many people may hold this value: a short one, or one of a shared kind."""
    return len(value.strip()) < MIN_TEXT_CHARS or bool(SHARED_PARTS & set(kind.split(".")))


def needles_of(subject: Subject, default_region: str) -> Needles:
    found: dict[tuple[bytes, bool], str] = {}
    values = [(*pair, True) for pair in subject.identifiers]
    values += [(kind, text.strip(), False) for kind, text in subject.texts]
    for number, (kind, value, identifier) in enumerate(values, 1):
        label, whole = f"{kind}#{number}", is_shared(kind, value)
        if identifier and kind == "phone":
            spellings = _phone_spellings(value, default_region)
        else:
            spellings = {value} | ({value.translate(TO_LATIN_DIGITS)} if whole else set())
        encoded = _whole_encodings(label, spellings) if whole else _encodings(label, spellings)
        for name, spelled in encoded:
            found.setdefault((spelled, whole), name)
    return Needles(tuple(Needle(name, p, whole) for (p, whole), name in found.items() if p))


def _phone_spellings(raw: str, region: str) -> set[str]:
    latin = raw.translate(TO_LATIN_DIGITS)
    spellings = {raw, latin}
    try:
        number = phonenumbers.parse(latin, region)
    except phonenumbers.NumberParseException:
        return spellings
    national = phonenumbers.national_significant_number(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    spellings |= {e164, e164.lstrip("+"), national}
    spellings.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    spellings |= {"0" + national, f"00{number.country_code}{national}"}
    return spellings | {s.translate(t) for s in spellings for t in (PERSIAN_DIGITS, ARABIC_DIGITS)}


def _encodings(label: str, spellings: Iterable[str]) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for spelled in _letter_variants(spellings):
        for text in dict.fromkeys((spelled, spelled.casefold())):
            utf8 = text.encode()
            out.append((f"{label} utf-8", utf8))
            escaped = _json_escaped(text)
            if escaped != text:
                out += [(f"{label} json-escaped", escaped.encode())]
                out += [(f"{label} json-escaped", _upper_hex(escaped).encode())]
            out += [(f"{label} base64", b) for b in _base64_forms(utf8)]
    return out


def _whole_encodings(label: str, spellings: set[str]) -> list[tuple[str, bytes]]:
    """UTF-8 and JSON escapes (no base64: a short value's base64 turns up by chance), with
    Persian and Arabic-Indic digits; a birthday also as the BSON datetime of its midnight (UTC)
    and as its day, `MM-DD` (the notifier files birthdays by day)."""
    days = [d for s in spellings if (d := _date(s))] if "birthday" in label else []
    spellings = spellings | {f"{d.month:02d}-{d.day:02d}" for d in days}
    digits = {s.translate(t) for s in spellings for t in (PERSIAN_DIGITS, ARABIC_DIGITS)}
    out = [e for e in _encodings(label, spellings | digits) if not e[0].endswith("base64")]
    for day in days:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        out.append((f"{label} bson-datetime", struct.pack("<q", int(midnight.timestamp() * 1000))))
    return out


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _letter_variants(spellings: Iterable[str]) -> set[str]:
    values = set(spellings)
    return values | {v.translate(t) for v in values for t in LETTER_VARIANTS}


def _json_escaped(text: str) -> str:
    """How a JSON encoder with ensure_ascii writes the text (without the quotes)."""
    return "".join(c if ord(c) < 128 else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _upper_hex(escaped: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), escaped)


def _base64_forms(raw: bytes) -> list[bytes]:
    """The base64 characters that encode `raw` wherever it starts in a longer byte string: at
    each alignment, the characters that depend on `raw` alone (standard and URL-safe)."""
    forms: list[bytes] = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        head = (shift * 4 + 2) // 3  # characters touched by the padding bytes in front
        tail = (shift + len(raw)) % 3  # a partial last group depends on what follows
        body = encoded[head : len(encoded) - (4 if tail else 0)]
        if len(body) >= MIN_BASE64_CHARS:
            forms += [body, body.replace(b"+", b"-").replace(b"/", b"_")]
    return forms
