"""Identity resolution over HTTP: the contacts service's batch resolve endpoint.

Requests in flight together share one call: while a call is out, the blocks of every request
that arrives wait and go in the next one (larger groups are split), so sixteen concurrent single
events cost one or two calls instead of sixteen. A block resolved lately is answered from memory
for `identity_cache_ttl_seconds`, the same window the contacts service itself trusts an
identifier for; errors are never cached.
"""

from collections.abc import Sequence

from services.interactions.adapters.coalescing import Coalescer
from services.interactions.service_layer.ports import Unidentified
from shared.caching import TtlCache
from shared.events.customer import CustomerRef
from shared.http.calls import JsonCalls

RESOLVE_PATH = "/v1/identities/resolve/batch"
MAX_BLOCKS = 1000  # the endpoint's limit per request
Answer = str | Unidentified


class ContactsApi:
    """`CustomerResolver` on the contacts service."""

    def __init__(self, calls: JsonCalls, cache_ttl_s: float) -> None:
        self.calls = calls
        self.recent: TtlCache[str] = TtlCache(cache_ttl_s, max_entries=100_000)
        self._asking: Coalescer[tuple[str, CustomerRef], Answer] = Coalescer(self._ask_all)

    async def resolve(self, refs: Sequence[CustomerRef]) -> list[Answer]:
        keys = [ref.model_dump_json(exclude_defaults=True) for ref in refs]
        answers: dict[str, Answer] = {}
        asked: dict[str, CustomerRef] = {}
        for key, ref in zip(keys, refs, strict=True):
            cached = self.recent.get(key)
            if cached is None:
                asked[key] = ref
            else:
                answers[key] = cached
        if asked:
            found = await self._asking.submit(list(asked.items()))
            answers |= dict(zip(asked, found, strict=True))
        return [answers[key] for key in keys]

    async def _ask_all(self, blocks: list[tuple[str, CustomerRef]]) -> list[Answer]:
        """Every waiting request's blocks; a block named by two of them is asked once."""
        distinct = dict(blocks)
        pending = list(distinct.items())
        answers: dict[str, Answer] = {}
        for start in range(0, len(pending), MAX_BLOCKS):
            answers |= await self._ask(dict(pending[start : start + MAX_BLOCKS]))
        return [answers[key] for key, _ in blocks]

    async def _ask(self, refs: dict[str, CustomerRef]) -> dict[str, Answer]:
        body = {
            "customers": [r.model_dump(mode="json", exclude_defaults=True) for r in refs.values()]
        }
        results = (await self.calls.post_json(RESOLVE_PATH, body))["results"]
        answers: dict[str, Answer] = {}
        for key, result in zip(refs, results, strict=True):
            if result.get("customer_id"):
                answers[key] = str(result["customer_id"])
                self.recent.put(key, str(result["customer_id"]))
            else:
                answers[key] = Unidentified(result["error"]["field"], result["error"]["reason"])
        return answers

    async def ready(self) -> None:
        """The contacts service answers its liveness probe."""
        await self.calls.get_json("/healthz")
