"""The one place producers seal and consumers open events: data keys cached where used.

A `Keyring` asks its `DataKeys` port (the vault) for a customer's key once, then keeps it for
`ttl_seconds`, so hot paths do not pay a round trip per event; an erasure elsewhere reaches a
running process within that time (and at once in the process that erased). Handlers receive
plain models: `encode` seals on the way to Kafka, `decode_record` opens on the way back.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import orjson

from shared.events.codec import Event, decode_json, decode_kafka_record
from shared.events.envelope import Envelope
from shared.privacy.personal import customer_of
from shared.privacy.sealing import SEALED, Document, seal, sealed_by

DEFAULT_TTL_SECONDS = 300.0
MAX_CACHED_KEYS = 200_000


class DataKeys(Protocol):
    async def data_key(self, customer_id: str, create: bool) -> bytes | None: ...

    async def data_keys(
        self, customer_ids: Sequence[str], create: bool
    ) -> dict[str, bytes | None]: ...

    async def new_data_keys(self, customer_ids: Sequence[str]) -> dict[str, bytes | None]: ...

    async def destroy(self, customer_id: str) -> None: ...


class Keyring:
    def __init__(
        self,
        vault: DataKeys,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.vault = vault
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: OrderedDict[str, tuple[float, bytes | None]] = OrderedDict()

    async def key(self, customer_id: str, create: bool = False) -> bytes | None:
        """The customer's data key (None once erased), from the cache when fresh."""
        hit = self._cache.get(customer_id)
        now = self.clock()
        if hit is not None and hit[0] > now and (hit[1] is not None or not create):
            return hit[1]
        key = await self.vault.data_key(customer_id, create)
        self._remember(customer_id, now, key)
        return key

    async def prepare(self, customer_ids: Iterable[str], create: bool = False) -> None:
        """Fetch (or create) in one go the keys of a batch that are not fresh in the cache, so
        that sealing or opening the batch costs no round trip per customer."""
        now = self.clock()
        wanted = [
            c
            for c in dict.fromkeys(customer_ids)
            if (hit := self._cache.get(c)) is None or hit[0] <= now or (create and hit[1] is None)
        ]
        if not wanted:
            return
        for customer_id, key in (await self.vault.data_keys(wanted, create)).items():
            self._remember(customer_id, now, key)

    async def prepare_to_open(self, records: Iterable[tuple[bytes | None, bytes | None]]) -> None:
        """Before opening a batch of (key, value) records: one read for the keys of the sealed
        ones, by the record key (the customer id on every keyed c360 topic). A record sealed
        under another id still gets its own key when opened; plain records fetch nothing, so no
        customer is remembered as keyless before their first sealed event."""
        await self.prepare(
            key.decode() for key, value in records if key and value and SEALED.encode() in value
        )

    async def create(self, customer_ids: Sequence[str]) -> None:
        """Keys for customers created just now, in one write (no read first)."""
        now = self.clock()
        for customer_id, key in (await self.vault.new_data_keys(customer_ids)).items():
            self._remember(customer_id, now, key)

    def _remember(self, customer_id: str, now: float, key: bytes | None) -> None:
        self._cache[customer_id] = (now + self.ttl, key)
        self._cache.move_to_end(customer_id)
        if len(self._cache) > MAX_CACHED_KEYS:
            self._cache.popitem(last=False)

    def cached(self, customer_id: str) -> bytes | None:
        hit = self._cache.get(customer_id)
        return None if hit is None else hit[1]

    async def destroy(self, customer_id: str) -> None:
        """Erase: destroy the key in the vault, and forget it here."""
        await self.vault.destroy(customer_id)
        self._cache[customer_id] = (self.clock() + self.ttl, None)

    async def seal_document(self, document: Document) -> bytes:
        """A CloudEvent (JSON object) as record bytes, its personal fields sealed."""
        kid = customer_of(document)
        key = await self.key(kid, create=True) if kid else None
        return orjson.dumps(seal(document, key) if kid else document)

    async def encode(self, event: Envelope) -> bytes:
        return await self.seal_document(event.to_json_dict())

    async def decode_record(
        self,
        value: bytes | None,
        headers: Iterable[tuple[str, bytes]],
        context: Mapping[str, Any] | None = None,
    ) -> Event:
        """Decode a record, opening sealed fields (anonymous if the customer was erased)."""
        if value is not None and SEALED.encode() in value:
            document = decode_json(value)
            kid = sealed_by(document) if isinstance(document, dict) else None
            if kid:
                await self.key(kid)
        return decode_kafka_record(value, headers, context, self.cached)
