"""Finding needles in raw bytes (a Kafka record, a stored document's BSON), by label. Pure.

Text is matched ASCII case-insensitively (so `Sara@X.org` is found), base64 and binary datetimes
byte for byte. A whole needle (a value other people may hold too, see `needles`) counts only in
bytes that name the customer's id, and only where it stands whole: nothing that belongs to a word
(a letter, digit, mark, `_`, `-` or joiner, raw or `\\uXXXX`-escaped) on either side. Its label says
where it stood: `bson-string` (a complete BSON string element: type 0x02, its length, the value,
NUL), `json-string` (between quotes), `bson-datetime` (a BSON datetime element), or `word`.
"""

import re
import struct
import unicodedata

from shared.privacy.needles import Needle, Needles

ESCAPED_CHAR = re.compile(rb"\\u([0-9a-fA-F]{4})")
JSON_ESCAPES = b'ntrbf"/\\'
# A zero-width (non-)joiner holds a Persian word together; a hyphen a compound name ("Ali-Reza")
# and the parts of an id (a uuid's groups) or of a date.
JOINERS = "-_\u200c\u200d"
BSON_STRING, BSON_DATETIME = 0x02, 0x09


class Matcher:
    """Says which needles occur in raw bytes; whole needles only in the `owner`'s records (none
    without an owner)."""

    def __init__(self, needles: Needles, owner: str | None = None) -> None:
        self.labels = {(_folded(n), n.whole): n.label for n in needles.needles}
        self.owner = owner.encode() if owner else None
        anywhere = [n for n in needles.needles if not n.whole]
        whole = [n for n in needles.needles if n.whole]
        self.patterns = _patterns(anywhere)
        self.whole_patterns = _patterns(whole)

    def find(self, haystack: bytes, whole_anywhere: bool = False) -> set[str]:
        """The labels of the needles in `haystack`; `whole_anywhere` counts whole needles in
        bytes that do not name the owner too (a document's _id, before it is shown)."""
        found: set[str] = set()
        for pattern in self.patterns:
            found |= {self._label(m.group(0), False) for m in pattern.finditer(haystack)}
        owned = self.owner is not None and self.owner in haystack
        if not owned and not whole_anywhere:
            return found
        for pattern in self.whole_patterns:
            for m in pattern.finditer(haystack):
                label = self._label(m.group(0), True)
                place = _place(haystack, m.start(), m.end(), label)
                if place is not None:
                    found.add(f"{label.split()[0]} {place}")
        return found

    def _label(self, matched: bytes, whole: bool) -> str:
        return self.labels.get((matched, whole)) or self.labels[(matched.lower(), whole)]


def _place(haystack: bytes, start: int, end: int, label: str) -> str | None:
    """How a whole needle stands where it matched, or None if it is part of something longer."""
    if label.endswith("bson-datetime"):
        return "bson-datetime" if _element(haystack, start, BSON_DATETIME) else None
    if _word(_char_before(haystack, start)) or _word(_char_after(haystack, end)):
        return None
    if _bson_string(haystack, start, end):
        return "bson-string"
    if haystack[start - 1 : start] == b'"' and haystack[end : end + 1] == b'"':
        return "json-string"
    return "word"


def _bson_string(haystack: bytes, start: int, end: int) -> bool:
    length = struct.pack("<i", end - start + 1)  # the bytes and the closing NUL
    framed = haystack[start - 4 : start] == length and haystack[end : end + 1] == b"\0"
    return framed and _element(haystack, start - 4, BSON_STRING)


def _element(haystack: bytes, value_at: int, kind: int) -> bool:
    """Whether a BSON element of `kind` has its value at `value_at`: type byte, key, NUL."""
    if value_at < 2 or haystack[value_at - 1] != 0:
        return False
    key_from = haystack.rfind(b"\0", 0, value_at - 1) + 1
    head = haystack[key_from : value_at - 1]  # (end of the previous value) type byte, key
    controls = [i for i, b in enumerate(head) if b < 0x20]
    return bool(controls) and head[controls[-1]] == kind


def _char_before(haystack: bytes, at: int) -> str:
    if at >= 6 and (escaped := ESCAPED_CHAR.fullmatch(haystack, at - 6, at)):
        return chr(int(escaped.group(1), 16))
    if at >= 2 and haystack[at - 2] == ord("\\") and haystack[at - 1] in JSON_ESCAPES:
        return ""  # \n, \" ...: a separator in JSON-encoded text
    begin = at - 1
    while begin > 0 and at - begin < 4 and 0x80 <= haystack[begin] < 0xC0:
        begin -= 1
    return haystack[max(begin, 0) : at].decode(errors="replace")[-1:]


def _char_after(haystack: bytes, at: int) -> str:
    if escaped := ESCAPED_CHAR.match(haystack, at):
        return chr(int(escaped.group(1), 16))
    return haystack[at : at + 4].decode(errors="replace")[:1] if at < len(haystack) else ""


def _word(char: str) -> bool:
    return bool(char) and (unicodedata.category(char)[0] in "LMN" or char in JOINERS)


def _folded(needle: Needle) -> bytes:
    return needle.pattern if needle.exact else needle.pattern.lower()


def _patterns(needles: list[Needle]) -> list[re.Pattern[bytes]]:
    """One alternation for text (case-insensitive), one for exact bytes."""
    text = [n for n in needles if not n.exact]
    exact = [n for n in needles if n.exact]
    return [_alternation(g, f) for g, f in ((text, re.IGNORECASE), (exact, 0)) if g]


def _alternation(needles: list[Needle], flags: int) -> re.Pattern[bytes]:
    ordered = sorted(needles, key=lambda n: len(n.pattern), reverse=True)
    return re.compile(b"|".join(re.escape(n.pattern) for n in ordered), flags)
