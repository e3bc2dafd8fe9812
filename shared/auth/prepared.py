"""A JSON answer serialized once and served many times, still masked and audited on the way out.

A route that answers the same document again and again (the query API's cached views) hands the
outbound middleware a `PreparedJson` instead of a body to parse: the middleware learns whose data
it holds without reading it, and asks it for the variant the caller may see. Each masked variant
is made by `mask` on first need and kept, so masking stays decided in one place.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from shared.auth.masking import Exposure, mask

CUSTOMER_KEYS = ("customer_id", "survivor_id", "merged_id")
MAX_DEPTH = 4


@dataclass
class PreparedJson:
    body: bytes  # unmasked
    customer_ids: tuple[str, ...]  # whose data the answer holds, for the audit
    _variants: dict[tuple[Exposure, bytes], bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, document: Any) -> "PreparedJson":
        return cls(orjson.dumps(document), tuple(dict.fromkeys(customer_ids_in(document))))

    def body_for(self, exposure: Exposure, key: bytes) -> bytes:
        """The body as a caller with `exposure` may see it (pseudonyms keyed by `key`)."""
        if exposure is Exposure.FULL:
            return self.body
        variant = self._variants.get((exposure, key))
        if variant is None:
            variant = orjson.dumps(mask(orjson.loads(self.body), exposure, key))
            self._variants[(exposure, key)] = variant
        return variant


def customer_ids_in(document: Any, depth: int = 0) -> Iterator[str]:
    """Customer ids named anywhere near the top of a JSON document."""
    if depth > MAX_DEPTH:
        return
    if isinstance(document, dict):
        for name, value in document.items():
            if name in CUSTOMER_KEYS and isinstance(value, str):
                yield value
            elif isinstance(value, dict | list):
                yield from customer_ids_in(value, depth + 1)
    elif isinstance(document, list):
        for item in document:
            yield from customer_ids_in(item, depth + 1)
