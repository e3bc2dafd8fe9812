"""Personal fields by role, decided in one place on the way out of every service.

Analysts see a stable pseudonym instead of each personal value (the same phone always gives the
same pseudonym, so counting and joining still work); ops see no personal values at all.
"""

import hashlib
import hmac
from enum import StrEnum
from typing import Any

from shared.auth.roles import Role

# Keys that hold a person's identifying data anywhere in our answers (views, timelines, search
# results, contacts, notifications).
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "email",
        "emails",
        "phone",
        "phones",
        "address",
        "birthday",
        "external_ids",
        "target",
        "comment",
        "text",
        "body",
        "note",
        "notes",
    }
)


class Exposure(StrEnum):
    FULL = "full"
    PSEUDONYMISED = "pseudonymised"
    NONE = "none"


FULL_SIGHT = frozenset({Role.AGENT, Role.SUPERVISOR, Role.PRIVACY_OFFICER, Role.ADMIN})


def exposure_for(roles: frozenset[Role]) -> Exposure:
    """The most a caller may see: any full-sight role wins, then analyst, else nothing."""
    if roles & FULL_SIGHT:
        return Exposure.FULL
    if Role.ANALYST in roles:
        return Exposure.PSEUDONYMISED
    return Exposure.NONE


def mask(document: Any, exposure: Exposure, key: bytes) -> Any:
    """A copy of a JSON document with every personal field pseudonymised or removed."""
    if exposure is Exposure.FULL:
        return document
    if isinstance(document, dict):
        return {
            name: _masked_value(value, exposure, key)
            if name in PERSONAL_FIELDS
            else mask(value, exposure, key)
            for name, value in document.items()
        }
    if isinstance(document, list):
        return [mask(item, exposure, key) for item in document]
    return document


def _masked_value(value: Any, exposure: Exposure, key: bytes) -> Any:
    if exposure is Exposure.NONE or value is None:
        return None
    if isinstance(value, dict):
        return {name: _masked_value(v, exposure, key) for name, v in value.items()}
    if isinstance(value, list):
        return [_masked_value(v, exposure, key) for v in value]
    return pseudonym(str(value), key)


def pseudonym(value: str, key: bytes) -> str:
    """A keyed hash: stable for one key, meaningless without it."""
    digest = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
    return f"anon:{digest[:16]}"
