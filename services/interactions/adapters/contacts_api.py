"""Identity resolution over HTTP: the contacts service's batch resolve endpoint.

One pooled client per process; each ingestion batch is one request (larger ones are split).
A block resolved lately is answered from memory for `identity_cache_ttl_seconds`, the same
window the contacts service itself trusts an identifier for; errors are never cached.
"""

from collections.abc import Sequence

import httpx

from services.interactions.service_layer.ports import Unidentified
from shared.caching import TtlCache
from shared.events.customer import CustomerRef

RESOLVE_PATH = "/v1/identities/resolve/batch"
MAX_BLOCKS = 1000  # the endpoint's limit per request


class ContactsApi:
    """`CustomerResolver` on the contacts service."""

    def __init__(self, client: httpx.AsyncClient, cache_ttl_s: float) -> None:
        self.client = client
        self.recent: TtlCache[str] = TtlCache(cache_ttl_s, max_entries=100_000)

    async def resolve(self, refs: Sequence[CustomerRef]) -> list[str | Unidentified]:
        keys = [ref.model_dump_json(exclude_defaults=True) for ref in refs]
        answers: dict[str, str | Unidentified] = {}
        asked: dict[str, CustomerRef] = {}
        for key, ref in zip(keys, refs, strict=True):
            cached = self.recent.get(key)
            if cached is None:
                asked[key] = ref
            else:
                answers[key] = cached
        pending = list(asked.items())
        for start in range(0, len(pending), MAX_BLOCKS):
            answers |= await self._ask(dict(pending[start : start + MAX_BLOCKS]))
        return [answers[key] for key in keys]

    async def _ask(self, refs: dict[str, CustomerRef]) -> dict[str, str | Unidentified]:
        body = {
            "customers": [r.model_dump(mode="json", exclude_defaults=True) for r in refs.values()]
        }
        response = await self.client.post(RESOLVE_PATH, json=body)
        response.raise_for_status()
        results = response.json()["results"]
        answers: dict[str, str | Unidentified] = {}
        for key, result in zip(refs, results, strict=True):
            if result.get("customer_id"):
                answers[key] = str(result["customer_id"])
                self.recent.put(key, str(result["customer_id"]))
            else:
                answers[key] = Unidentified(result["error"]["field"], result["error"]["reason"])
        return answers

    async def ready(self) -> None:
        """The contacts service answers its liveness probe."""
        (await self.client.get("/healthz")).raise_for_status()
