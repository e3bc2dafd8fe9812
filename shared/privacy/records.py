"""Sealing named top-level fields of a plain JSON record (not a CloudEvent) with a customer's data
key, the way `sealing.seal` does for events: used for the notifier's failed notifications, whose
recipient, subject, body and error are personal. Pure.

A sealed record carries `c360sealed = {"kid", "alg", "ct"}`, the authenticated data binds it to
the record's `id` and the customer, and with no key (the customer was erased) the fields are
dropped instead.
"""

import base64
from collections.abc import Iterable

import orjson
from cryptography.exceptions import InvalidTag

from shared.privacy.sealing import ALGORITHM, SEALED, Document, KeyLookup, decrypt, encrypt


def _aad(record: Document, kid: str) -> bytes:
    return f"{record.get('id')}|{kid}".encode()


def seal_fields(record: Document, kid: str, names: Iterable[str], key: bytes | None) -> Document:
    personal = {n: record[n] for n in names if record.get(n) is not None}
    sealed = {k: v for k, v in record.items() if k not in personal}
    if personal and key is not None:
        blob = encrypt(key, orjson.dumps(personal), _aad(record, kid))
        sealed[SEALED] = {"kid": kid, "alg": ALGORITHM, "ct": base64.b64encode(blob).decode()}
    return sealed


def open_fields(record: Document, keys: KeyLookup) -> Document:
    """The record with its sealed fields back; without them if the key is gone or wrong."""
    block = record.get(SEALED)
    opened = {k: v for k, v in record.items() if k != SEALED}
    if not isinstance(block, dict):
        return opened
    kid = str(block.get("kid"))
    key = keys(kid)
    if key is None:
        return opened
    try:
        blob = base64.b64decode(str(block.get("ct")), validate=True)
        return {**opened, **orjson.loads(decrypt(key, blob, _aad(record, kid)))}
    except (InvalidTag, ValueError, orjson.JSONDecodeError):
        return opened
