"""The blind index: identifiers at rest as keyed hashes, so lookups work and nothing is readable.

An identity lookup document's `_id` is HMAC-SHA-256 (hex) of the normalised identifier's index
key `kind:value` (`shared.events.contacts.Identity.key`; a kind has no `:`, so the pair is
unambiguous), keyed by `C360_IDENTITY_INDEX_KEY`. Equal identifiers give equal ids, so an
insert-if-absent claim is still atomic; without the key the ids reveal nothing, not even a phone
number guessed from the few billion that exist (an unkeyed hash would).

The key cannot be rotated in place: a hash cannot be re-keyed without the identifier. Each index
is rebuilt from what holds the identifiers (see docs/operations.md, "Privacy").
"""

import base64
import binascii
import hashlib
import hmac

from shared.settings import Settings

DIGEST_HEX_CHARS = 64
MIN_KEY_BYTES = 32
_HEX = frozenset("0123456789abcdef")


class BlindIndex:
    """Index keys (`kind:value`) to blind ids; the keyed state is built once, copied per call."""

    def __init__(self, key: bytes) -> None:
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def blind_id(self, index_key: str) -> str:
        mac = self._keyed.copy()
        mac.update(index_key.encode())
        return mac.hexdigest()


def is_blind_id(doc_id: object) -> bool:
    """A blind id as `BlindIndex` writes it (a plaintext `kind:value` key always has a `:`)."""
    return isinstance(doc_id, str) and len(doc_id) == DIGEST_HEX_CHARS and set(doc_id) <= _HEX


def index_key_material(secret: str) -> bytes:
    """The HMAC key from its setting: base64 of 32 or more random bytes; any other text (the
    development placeholder, which production refuses) is used as it is."""
    try:
        raw = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    return raw if len(raw) >= MIN_KEY_BYTES else secret.encode()


def blind_index(settings: Settings) -> BlindIndex:
    """The index of this deployment, keyed by `C360_IDENTITY_INDEX_KEY`."""
    return BlindIndex(index_key_material(settings.identity_index_key.get_secret_value()))
