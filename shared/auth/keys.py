"""The issuer's signing keys: fetched from its JWKS, cached, refreshed on an unknown `kid`."""

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from joserfc.jwk import KeySet


class JwksSource(Protocol):
    async def fetch(self) -> dict[str, Any]: ...


class HttpJwksSource:
    """The JWKS document at a URL (the issuer's `jwks_uri`)."""

    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    async def fetch(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            answer = await client.get(self.url)
            answer.raise_for_status()
            document: dict[str, Any] = answer.json()
            return document


class KeysUnavailable(Exception):
    """The issuer's JWKS could not be fetched."""


class KeyCache:
    """Keys by `kid`. An unknown `kid` refetches the set, at most once per `min_refresh_s`, so a
    flood of tokens with made-up `kid`s cannot turn into a flood of requests to the issuer."""

    def __init__(
        self,
        source: JwksSource,
        min_refresh_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.min_refresh_s = min_refresh_s
        self.clock = clock
        self.keys = KeySet([])
        self.fetches = 0
        self._last_fetch: float | None = None
        self._lock = asyncio.Lock()

    async def key_set_with(self, kid: str | None) -> KeySet:
        """The cached set, refreshed first when it lacks `kid` and the rate limit allows."""
        if self._has(kid):
            return self.keys
        async with self._lock:
            if not self._has(kid) and self._may_refresh():
                await self._refresh()
        return self.keys

    def _has(self, kid: str | None) -> bool:
        if kid is None:
            return len(self.keys.keys) == 1
        return any(key.kid == kid for key in self.keys.keys)

    def _may_refresh(self) -> bool:
        last = self._last_fetch
        return last is None or self.clock() - last >= self.min_refresh_s

    async def _refresh(self) -> None:
        self._last_fetch = self.clock()
        self.fetches += 1
        try:
            document = await self.source.fetch()
        except Exception as exc:  # any transport or HTTP failure means the same to a caller
            raise KeysUnavailable(f"the issuer's keys could not be fetched: {exc}") from exc
        self.keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
