"""Sealing an event's personal fields with its customer's data key, and opening them again.

Pure: JSON objects in, JSON objects out. A sealed event carries, beside its CloudEvents
attributes, `c360sealed = {"kid": customer id, "alg": "A256GCM", "ct": base64(nonce|ciphertext)}`
and its personal fields are absent from `data`. The authenticated data binds the ciphertext to
the event id and the customer, so a sealed block cannot be moved to another event. An event
without `c360sealed` is plain (written before sealing, or with nothing personal) and is read as
it is.
"""

import base64
import os
from collections.abc import Callable
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.events.types import EventType
from shared.privacy.personal import PERSONAL_FIELDS, Path, PersonalField, customer_of

SEALED = "c360sealed"
ALGORITHM = "A256GCM"
NONCE_BYTES = 12
KEY_BYTES = 32
Document = dict[str, Any]
KeyLookup = Callable[[str], bytes | None]


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Raises `cryptography.exceptions.InvalidTag` for a wrong key or altered bytes."""
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)


def _fields_of(document: Document) -> tuple[PersonalField, ...]:
    try:
        return PERSONAL_FIELDS.get(EventType(str(document.get("type"))), ())
    except ValueError:
        return ()


def _pop(data: Document, path: Path) -> Any:
    *parents, leaf = path
    for name in parents:
        data = data.get(name)  # type: ignore[assignment]
        if not isinstance(data, dict):
            return None
    return data.pop(leaf, None)


def _put(data: Document, path: Path, value: Any) -> None:
    *parents, leaf = path
    for name in parents:
        child = data.get(name)
        if not isinstance(child, dict):
            return  # the parent is absent: nothing was there to seal
        data = child
    data[leaf] = value


def _copy_data(document: Document) -> tuple[Document, Document]:
    """A copy deep enough to pop nested fields without touching the caller's objects."""
    data = orjson.loads(orjson.dumps(document.get("data") or {}))
    return {**document, "data": data}, data


def _aad(document: Document, kid: str) -> bytes:
    return f"{document.get('id')}|{kid}".encode()


def seal(document: Document, key: bytes | None) -> Document:
    """Move the personal fields into `c360sealed`. With no key (the customer was erased), the
    fields are dropped instead: what is written after an erasure carries nothing personal."""
    fields = _fields_of(document)
    kid = customer_of(document)
    if not fields or kid is None or not isinstance(document.get("data"), dict):
        return document
    sealed_doc, data = _copy_data(document)
    personal = {}
    for f in fields:
        value = _pop(data, f.path)
        if value is not None:
            personal[".".join(f.path)] = value
    if not personal:
        return document
    if key is None:
        return anonymous(sealed_doc)
    blob = encrypt(key, orjson.dumps(personal), _aad(document, kid))
    sealed_doc[SEALED] = {"kid": kid, "alg": ALGORITHM, "ct": base64.b64encode(blob).decode()}
    return sealed_doc


def sealed_by(document: Document) -> str | None:
    """The customer whose key opens this event; None for a plain event."""
    block = document.get(SEALED)
    return str(block.get("kid")) if isinstance(block, dict) else None


def open_sealed(document: Document, keys: KeyLookup | None) -> Document:
    """The event with its personal fields back; anonymous if the key is gone or unknown."""
    block = document.get(SEALED)
    if not isinstance(block, dict):
        return document
    opened = {k: v for k, v in document.items() if k != SEALED}
    kid = str(block.get("kid"))
    key = keys(kid) if keys is not None else None
    if key is None:
        return anonymous(opened)
    try:
        blob = base64.b64decode(str(block.get("ct")), validate=True)
        personal = orjson.loads(decrypt(key, blob, _aad(document, kid)))
    except (InvalidTag, ValueError, orjson.JSONDecodeError):
        return anonymous(opened)  # altered or foreign: read what is in clear, never crash
    opened, data = _copy_data(opened)
    for dotted, value in personal.items():
        _put(data, tuple(dotted.split(".")), value)
    return opened


def anonymous(document: Document) -> Document:
    """The event as it reads once its customer is erased: personal fields at their erased
    value, and the customer named by id alone."""
    document, data = _copy_data(document)
    for f in _fields_of(document):
        _pop(data, f.path)
        if f.erased is not None:
            _put(data, f.path, f.erased)
    customer = data.get("customer")
    kid = customer_of(document)
    if isinstance(customer, dict) and not customer.get("customer_id") and kid:
        customer["customer_id"] = kid
    return document
