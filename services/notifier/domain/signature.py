"""Webhook signatures: `C360-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.

Signing the timestamp with the body lets a receiver reject replays older than its tolerance.
While a team's key is being rotated the header carries one `v1` per valid key (the new key's
first), so a receiver that holds either key verifies the delivery.
"""

import hashlib
import hmac
from collections.abc import Sequence

SIGNATURE_HEADER = "C360-Signature"
NOTIFICATION_ID_HEADER = "C360-Notification-Id"
DEFAULT_TOLERANCE_S = 300


def digest(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secrets: Sequence[str], body: bytes, timestamp: int) -> str:
    """The header value: the timestamp and one `v1` digest per secret, in the order given."""
    if not secrets:
        raise ValueError("a webhook is signed with at least one key")
    return ",".join([f"t={timestamp}", *(f"v1={digest(s, body, timestamp)}" for s in secrets)])


def verify(
    secret: str, body: bytes, header: str, now: int, tolerance_s: int = DEFAULT_TOLERANCE_S
) -> bool:
    """What a receiver runs: a timestamp within `tolerance_s` and any `v1` digest matching."""
    pairs = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for name, value in pairs if name.strip() == "t"]
    try:
        timestamp = int(stamps[0]) if len(stamps) == 1 else None
    except ValueError:
        return False
    if timestamp is None or abs(now - timestamp) > tolerance_s:
        return False
    expected = digest(secret, body, timestamp)
    # compare every candidate, so the time taken does not tell which one matched
    matches = [hmac.compare_digest(expected, v) for name, v in pairs if name.strip() == "v1"]
    return any(matches)
