"""Opaque, URL-safe, time-sortable ids for customers and contact events."""

import secrets
import time
import uuid

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case: no i, l, o, u
_TIME_BITS = 48
_RANDOM_BITS = 52
CUSTOMER_ID_PREFIX = "c_"


def _base32(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_customer_id() -> str:
    """`c_` + 20 characters: 48 bits of milliseconds then 52 random bits, so ids sort by age."""
    millis = time.time_ns() // 1_000_000 & ((1 << _TIME_BITS) - 1)
    value = millis << _RANDOM_BITS | secrets.randbits(_RANDOM_BITS)
    return CUSTOMER_ID_PREFIX + _base32(value, 20)


def new_event_id() -> str:
    return str(uuid.uuid4())
