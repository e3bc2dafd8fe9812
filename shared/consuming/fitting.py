"""A dead-letter copy that always fits the broker's record limit (pure: no I/O).

The copy carries the original key, value and headers when they fit. When they do not, the
original headers are dropped first, then the value is truncated; each is replaced by a header
giving its size and sha256, so the original can still be found and matched at its offset.
"""

import hashlib
from dataclasses import dataclass

from shared.consuming.handler import Record

Headers = list[tuple[str, bytes]]
# Room the broker's framing and our own headers take besides the copied bytes.
FRAMING_BYTES = 16 * 1024
MAX_KEY_BYTES = 1024
MAX_MESSAGE_CHARS = 4000


@dataclass(frozen=True)
class DeadLetter:
    key: bytes | None
    value: bytes | None
    headers: Headers


def fit_dead_letter(
    record: Record, *, consumer: str, kind: str, message: str, max_bytes: int
) -> DeadLetter:
    """The dead-letter copy of `record`, no larger than `max_bytes` on the wire."""
    ours = reason_headers(record, consumer=consumer, kind=kind, message=message)
    budget = max_bytes - FRAMING_BYTES - _size(ours)
    key, key_note = _fit_bytes("key", record.key, MAX_KEY_BYTES)
    budget -= len(key or b"")
    original = [(k, bytes(v or b"")) for k, v in record.headers]
    notes = key_note
    if _size(original) > budget // 2:  # headers are metadata: they go before the payload is cut
        notes += [("c360-original-headers-dropped", _digest(_flatten(original), len(original)))]
        original = []
    budget -= _size(original) + _size(notes)
    value, value_note = _fit_bytes("value", record.value, max(budget - 512, 0))
    return DeadLetter(key, value, [*original, *ours, *notes, *value_note])


def reason_headers(record: Record, *, consumer: str, kind: str, message: str) -> Headers:
    """Where the record came from, which consumer refused it, and why."""
    return [
        ("c360-original-topic", record.topic.encode()),
        ("c360-original-partition", str(record.partition).encode()),
        ("c360-original-offset", str(record.offset).encode()),
        ("c360-original-timestamp", str(record.timestamp).encode()),
        ("c360-consumer", consumer.encode()),
        ("c360-error-kind", kind.encode()),
        ("c360-error-message", message[:MAX_MESSAGE_CHARS].encode("utf-8", "replace")),
    ]


def _fit_bytes(name: str, data: bytes | None, limit: int) -> tuple[bytes | None, Headers]:
    if data is None or len(data) <= limit:
        return data, []
    return data[:limit], [(f"c360-original-{name}-truncated", _digest(data, None))]


def _digest(data: bytes, count: int | None) -> bytes:
    parts = [f"bytes={len(data)}", f"sha256={hashlib.sha256(data).hexdigest()}"]
    if count is not None:
        parts.insert(0, f"count={count}")
    return " ".join(parts).encode()


def _flatten(headers: Headers) -> bytes:
    return b"".join(k.encode("utf-8", "replace") + b"\x00" + v + b"\x00" for k, v in headers)


def _size(headers: Headers) -> int:
    # each header costs its key, its value and a few varint bytes of framing
    return sum(len(k.encode("utf-8", "replace")) + len(v) + 8 for k, v in headers)
