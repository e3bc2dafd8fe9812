"""In-process memory for the hot path: a TTL cache, and single flights of identical calls."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
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


class SingleFlight(Generic[V]):
    """Concurrent calls with the same key share one computation (e.g. one new customer seen many
    times in one batch)."""

    def __init__(self) -> None:
        self._calls: dict[Hashable, asyncio.Future[V]] = {}

    async def run(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> tuple[V, bool]:
        """The value, and whether it was computed by another caller."""
        if key in self._calls:
            return await asyncio.shield(self._calls[key]), True
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._calls[key] = future
        try:
            value = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # marked retrieved: only waiters decide whether it is reported
            raise
        finally:
            del self._calls[key]
        future.set_result(value)
        return value, False
