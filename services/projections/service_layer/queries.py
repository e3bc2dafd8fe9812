"""What the query API answers, from the active generation, by `_id` reads only."""

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.directory import names_matching, owner_of, survivor_of
from services.projections.adapters.store import ProjectionStore, active_generation
from services.projections.adapters.views import Resolved, resolve
from services.projections.domain.timeline import Entry, day_floor, days_before, page
from services.projections.domain.view import Customer360
from services.projections.metrics import CACHE_READS, IDENTITY_CACHE_READS
from services.projections.service_layer.rendered import render
from services.projections.service_layer.view_cache import ViewCache
from shared.auth.prepared import PreparedJson
from shared.logging import get_logger
from shared.mongo import Document
from shared.position import Position
from shared.privacy.blind import BlindIndex

log = get_logger(__name__)
GENERATION_TTL_S = 1.0
MAX_BUCKET_READS = 60  # per timeline page: a rare type filter returns a short page and a cursor
POLL_S = 0.02


@dataclass(frozen=True)
class TimelineEntries:
    """One page of stored timeline entries, each with the merged member it belongs to (the API
    turns it into its public `TimelinePage`)."""

    customer_id: str
    items: list[tuple[str, Entry]]  # (member the event belongs to, entry)
    next_cursor: str | None


@dataclass(frozen=True)
class NameMatch:
    customer_id: str
    name: str
    matched_id: str

    @property
    def sort_key(self) -> str:
        return f"{self.name.casefold()}|{self.customer_id}"


class Queries:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        source_topics: list[str],
        cache: ViewCache | None = None,
        blind: BlindIndex | None = None,
    ) -> None:
        self.db = db
        self.source_topics = source_topics
        self.cache = ViewCache(capacity=0) if cache is None else cache
        self.blind = blind  # lookups by identifier need it
        self._generation: tuple[float, str] | None = None
        self._refresh: asyncio.Task[None] | None = None
        self._store: ProjectionStore | None = None

    async def store(self) -> ProjectionStore:
        """The active generation, re-read about once a second by one background read while
        reads go on with the one known: a read never waits for it, and a burst of reads after
        the second is up costs one store round trip, not one each."""
        if self._generation is None:
            self._generation = (time.monotonic(), await active_generation(self.db))
        elif time.monotonic() - self._generation[0] > GENERATION_TTL_S and self._refresh is None:
            self._refresh = asyncio.create_task(self._reread_generation())
        generation = self._generation[1]
        if self._store is None or self._store.generation != generation:
            self._store = ProjectionStore(self.db, generation, self.blind)  # handles built once
        return self._store

    async def _reread_generation(self) -> None:
        try:
            self._generation = (time.monotonic(), await active_generation(self.db))
        except Exception as exc:  # the store is away: keep the known one, try again later
            log.warning("cannot re-read the active generation", error=repr(exc))
        finally:
            self._refresh = None

    async def view(self, customer_id: str) -> Customer360 | None:
        resolved = await self._resolved(customer_id)
        return None if resolved is None else resolved.view(datetime.now(UTC))

    async def view_json(self, customer_id: str) -> PreparedJson | None:
        """The view as the API answers it; a cached one is serialized once, until it ages."""
        store = await self.store()
        kept = self.cache.rendered(store.generation, customer_id)
        if kept is not None and kept.fresh_at(datetime.now(UTC)):
            CACHE_READS.labels("hit").inc()
            return kept.prepared
        resolved = await self._resolved(customer_id)
        if resolved is None:
            return None
        rendered = render(resolved, datetime.now(UTC))
        self.cache.keep_rendered(store.generation, resolved, rendered)
        return rendered.prepared

    async def owner(self, key: str) -> str | None:
        """The customer a normalised identifier `kind:value` belongs to."""
        store = await self.store()
        known, owner = self.cache.owner(store.generation, key)
        IDENTITY_CACHE_READS.labels("hit" if known else "miss").inc()
        if not known:
            before = self.cache.latest
            owner = await owner_of(store, key)
            if before is not None:
                self.cache.keep_owner(store.generation, key, owner, before)
        return owner

    async def _resolved(self, customer_id: str) -> Resolved | None:
        """From the near cache, or from the store (and kept when nothing newer is pending)."""
        store = await self.store()
        cached = self.cache.view(store.generation, customer_id)
        CACHE_READS.labels("hit" if cached else "miss").inc()
        if cached is not None:
            return cached
        before = self.cache.latest  # read before the load: the load is at least this fresh
        resolved = await resolve(store, customer_id)
        if resolved is not None and before is not None:
            self.cache.keep_view(store.generation, resolved, before)
        return resolved

    async def timeline(
        self, customer_id: str, limit: int, before: str | None, types: frozenset[str] | None
    ) -> TimelineEntries | None:
        store = await self.store()
        resolved = await resolve(store, customer_id, head=True)
        if resolved is None:
            return None
        return await timeline_page(store, resolved, limit, before, types)

    async def search(
        self, text: str, limit: int, after: str | None
    ) -> tuple[list[NameMatch], str | None]:
        """Customers whose name contains `text`, by name; merged ones appear as their survivor."""
        store = await self.store()
        found = await names_matching(store, text)
        survivors = await asyncio.gather(*(survivor_of(store, c) for _, c in found))
        unique: dict[str, NameMatch] = {}
        for (name, matched), survivor in zip(found, survivors, strict=True):
            unique.setdefault(survivor, NameMatch(survivor, name, matched))
        ordered = sorted(unique.values(), key=lambda m: m.sort_key)
        rest = [m for m in ordered if after is None or m.sort_key > after]
        chosen = rest[:limit]
        return chosen, chosen[-1].sort_key if len(rest) > limit else None

    def knows_topic(self, topic: str) -> bool:
        return topic in self.source_topics

    async def wait_for(self, position: Position, timeout_s: float) -> bool:
        """Wait until the projection has folded `position` in; False when time ran out."""
        deadline = time.monotonic() + timeout_s
        while True:
            store = await self.store()
            applied = await store.checkpoint(position.topic, position.partition) > position.offset
            if applied and self.cache.has_seen(
                (position.topic, position.partition), position.offset
            ):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(POLL_S)


async def timeline_page(
    store: ProjectionStore,
    resolved: Resolved,
    limit: int,
    before: str | None,
    types: frozenset[str] | None,
) -> TimelineEntries:
    """Newest first across every member of a merge; day buckets are read newest day first."""
    states = {m.customer_id: m for m in resolved.members}
    indexes = {m.customer_id: m.timeline for m in resolved.members}
    days = days_before({d for index in indexes.values() for d in index}, before)
    collected: list[tuple[str, Entry]] = []
    reads = 0
    for n, day in enumerate(days):
        owners = [c for c, index in indexes.items() if day in index]
        loaded = await asyncio.gather(
            *(store.load_days(states[c], {day: len(indexes[c][day])}) for c in owners)
        )
        for owner, by_day in zip(owners, loaded, strict=True):
            collected += [(owner, e) for part in by_day[day].parts for e in part]
        reads += sum(len(indexes[c][day]) for c in owners)
        entries = page((e for _, e in collected), before, limit + 1, types)
        if len(entries) > limit:
            return _page(resolved, collected, entries[:limit], entries[limit - 1].key)
        if reads >= MAX_BUCKET_READS and n + 1 < len(days):
            return _page(resolved, collected, entries, day_floor(day))
    return _page(resolved, collected, page((e for _, e in collected), before, limit, types), None)


def _page(
    resolved: Resolved, collected: list[tuple[str, Entry]], chosen: list[Entry], cursor: str | None
) -> TimelineEntries:
    owner = {e.id: c for c, e in collected}
    return TimelineEntries(
        resolved.survivor.customer_id, [(owner[e.id], e) for e in chosen], cursor
    )
