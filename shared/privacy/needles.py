"""What an erasure scan looks for: a person's identifiers and texts in every encoding c360 writes.

Pure. A `Subject` is what was known about the person before the erasure; `needles_of` spells each
value the ways it can land in a topic record or a stored document: UTF-8 (JSON and BSON strings),
JSON's `\\uXXXX` escapes (lower- and upper-case hex), case-folded, Persian and Arabic-Indic digits
for phones (national, international and E.164 forms), Persian/Arabic letter variants of ی and ک,
and base64 at each of the three byte alignments (for values stored as bytes). A `Matcher` finds
them in raw bytes, ASCII case-insensitively, and says which needle matched without the value.
"""

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

# Shorter values (a first name, "ok") match unrelated records: they are left out and reported.
MIN_TEXT_CHARS = 5
# Shorter base64 runs turn up by chance in ciphertext.
MIN_BASE64_CHARS = 8
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TO_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Persian keyboards and Arabic ones write the same name with different code points.
LETTER_VARIANTS = (str.maketrans("یک", "يك"), str.maketrans("يك", "یک"))


@dataclass(frozen=True)
class Subject:
    """A person as c360 knew them: identifiers by kind (email, phone, crm, ...) and free texts."""

    identifiers: tuple[tuple[str, str], ...] = ()
    texts: tuple[str, ...] = ()

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

    @property
    def exact(self) -> bool:
        """Base64 is case-sensitive; text is searched ASCII case-insensitively."""
        return self.label.endswith("base64")


@dataclass(frozen=True)
class Needles:
    needles: tuple[Needle, ...]
    skipped: tuple[str, ...] = field(default=())  # labels of values too short to search


def needles_of(subject: Subject, default_region: str) -> Needles:
    found: dict[bytes, str] = {}
    skipped: list[str] = []
    for number, (kind, value) in enumerate(subject.identifiers, 1):
        label = f"{kind}#{number}"
        if len(value.strip()) < MIN_TEXT_CHARS:
            skipped.append(label)
            continue
        spellings = _phone_spellings(value, default_region) if kind == "phone" else {value}
        for name, spelled in _encodings(label, spellings):
            found.setdefault(spelled, name)
    for number, text in enumerate(subject.texts, 1):
        label = f"text#{number}"
        if len(text.strip()) < MIN_TEXT_CHARS:
            skipped.append(label)
            continue
        for name, spelled in _encodings(label, {text.strip()}):
            found.setdefault(spelled, name)
    needles = tuple(Needle(name, pattern) for pattern, name in found.items() if pattern)
    return Needles(needles, tuple(skipped))


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


class Matcher:
    """Finds needles in raw bytes: text ASCII case-insensitively (so `Sara@X.org` is found),
    base64 exactly."""

    def __init__(self, needles: Needles) -> None:
        self.labels = {_folded(n): n.label for n in needles.needles}
        self.patterns = [
            _alternation([n for n in needles.needles if not n.exact], re.IGNORECASE),
            _alternation([n for n in needles.needles if n.exact], 0),
        ]

    def find(self, haystack: bytes) -> set[str]:
        found: set[str] = set()
        for pattern in self.patterns:
            if pattern is not None:
                found |= {self._label(m.group(0)) for m in pattern.finditer(haystack)}
        return found

    def _label(self, matched: bytes) -> str:
        return self.labels.get(matched) or self.labels[matched.lower()]


def _folded(needle: Needle) -> bytes:
    return needle.pattern if needle.exact else needle.pattern.lower()


def _alternation(needles: list[Needle], flags: int) -> re.Pattern[bytes] | None:
    if not needles:
        return None
    ordered = sorted(needles, key=lambda n: len(n.pattern), reverse=True)
    return re.compile(b"|".join(re.escape(n.pattern) for n in ordered), flags)
