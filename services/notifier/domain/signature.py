"""Webhook signatures: `C360-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.

Signing the timestamp with the body lets a receiver reject replays older than its tolerance.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "C360-Signature"
NOTIFICATION_ID_HEADER = "C360-Notification-Id"
DEFAULT_TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, now: int, tolerance_s: int = DEFAULT_TOLERANCE_S
) -> bool:
    """What a receiver runs: a matching v1 digest and a timestamp within `tolerance_s`."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
