"""A small in-process cache with a time-to-live, for resolved identifiers on the hot path."""

import time
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Entries expire `ttl_s` after they were put; the whole cache is dropped when full."""

    def __init__(self, ttl_s: float, max_entries: int = 200_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, V]] = {}

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if time.monotonic() >= expires:
            del self._entries[key]
            return None
        return value

    def put(self, key: str, value: V) -> None:
        if self.ttl_s <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # cheaper than LRU bookkeeping; refills from the store
        self._entries[key] = (time.monotonic() + self.ttl_s, value)

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)
