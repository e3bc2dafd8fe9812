"""The identity resolver used on the ingestion hot path: identifiers in, one customer out.

Rules: a given `customer_id` wins (following merges); otherwise the owner of the strongest known
identifier (external ids, then email, then phone) is the customer; unknown identifiers are linked
to it; identifiers owned by someone else are recorded as a possible duplicate, never merged. With
no known identifier a customer is created (`contact.created`, origin `auto`): the identifiers are
claimed first, in one canonical order, so concurrent first sightings agree on one winner.

Resolved identifiers and merge redirects are cached for `identity_cache_ttl_seconds` (default
5 s): for that long after a merge, a process may still route an identifier to the merged customer,
whose record redirects to the survivor. Unknown identifiers are never cached.
"""

import asyncio
import contextlib
import dataclasses
from collections.abc import Mapping, Sequence

from services.contacts.domain.commands import create, link, profile_with
from services.contacts.domain.contact import ContactState
from services.contacts.domain.ids import new_customer_id
from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.service_layer.ports import Conflict, ContactDocuments
from services.contacts.service_layer.retries import retry_on_conflict
from shared.caching import SingleFlight, TtlCache
from shared.events.contacts import MAX_MERGE_HOPS, Identity, Origin
from shared.events.customer import CustomerRef
from shared.identity.normalise import EMAIL, PHONE, InvalidIdentifier, ref_identities

_POLL_S = 0.02


def strength(identity: Identity) -> tuple[int, str]:
    """Sort key: external ids first, then email, then phone; ties by key for a stable order."""
    rank = {EMAIL: 1, PHONE: 2}.get(identity.kind, 0)
    return rank, identity.key


@dataclasses.dataclass(frozen=True)
class NewContact:
    """A first sighting to create: the identifiers it won, the customers holding the others."""

    customer_id: str
    won: list[Identity]
    others: set[str]
    identities: list[Identity]


class IdentityResolver:
    """Identifiers in, one customer out, on the identity store's ports (`ContactStore` in
    production: see it for wiring and lifecycle)."""

    def __init__(self, store: ContactDocuments, adopt_after_s: float = 2.0) -> None:
        self.store = store
        self.region = store.settings.default_region
        self.adopt_after_s = adopt_after_s
        self.owners: TtlCache[str] = TtlCache(store.settings.identity_cache_ttl_seconds)
        self.recorded: TtlCache[bool] = TtlCache(store.settings.identity_cache_ttl_seconds)
        self._flights: SingleFlight[ResolvedCustomer] = SingleFlight()

    async def resolve(self, ref: CustomerRef) -> ResolvedCustomer:
        """The customer `ref` names; raises InvalidIdentifier (a ValueError) on bad input."""
        identities = sorted(ref_identities(ref, self.region), key=strength)
        flight = (ref.customer_id or "", *(i.key for i in identities))
        result, shared = await self._flights.run(
            flight, lambda: self._resolve_with_retries(ref.customer_id, identities)
        )
        return dataclasses.replace(result, created=False) if shared else result

    async def _resolve_with_retries(
        self, customer_id: str | None, identities: list[Identity]
    ) -> ResolvedCustomer:
        return await retry_on_conflict(lambda: self._resolve(customer_id, identities))

    async def _resolve(
        self, customer_id: str | None, identities: list[Identity]
    ) -> ResolvedCustomer:
        owners = {i.key: await self._owner(i) for i in identities}
        if customer_id:
            primary = await self.follow(customer_id)
            if primary is None:
                raise InvalidIdentifier("customer.customer_id", f"no customer {customer_id!r}")
        else:
            known = [owner for owner in owners.values() if owner]
            if not known:
                return await self._create(identities)
            primary = known[0]
        others = {owner for owner in owners.values() if owner and owner != primary}
        for identity in identities:
            if owners[identity.key] is None:
                owner = await self._link(primary, identity)
                if owner != primary:
                    others.add(owner)
        await self._record(primary, others, identities)
        return ResolvedCustomer(primary, created=False, conflicts=tuple(sorted(others)))

    async def _owner(self, identity: Identity) -> str | None:
        cached = self.owners.get(identity.key)
        if cached is not None:
            return cached
        owner = await self.store.index.owner(identity.key)
        if owner is None:
            return None
        survivor = await self.follow(owner, adopt_with=identity)
        if survivor is not None:
            self.owners.put(identity.key, survivor)
        return survivor

    async def known_owners(self, identities: list[Identity]) -> dict[str, str | None]:
        """Each identifier's customer now (merges followed), the index read once by `_id`."""
        unknown = [i for i in identities if self.owners.get(i.key) is None]
        owners = await self.store.index.owners([i.key for i in unknown])
        named = {i.key: owner for i in unknown if (owner := owners[i.key]) is not None}
        uncached = {o for o in named.values() if self.owners.get(f"customer:{o}") is None}
        loaded = await self.store.journal.load_many(sorted(uncached)) if uncached else {}
        found = await asyncio.gather(
            *(self._survivor(i, named[i.key], loaded) for i in unknown if i.key in named)
        )
        return {i.key: self.owners.get(i.key) for i in identities} | dict(found)

    async def _survivor(
        self, identity: Identity, owner: str, loaded: Mapping[str, ContactState]
    ) -> tuple[str, str | None]:
        survivor = await self.follow(owner, adopt_with=identity, loaded=loaded)
        if survivor is not None:
            self.owners.put(identity.key, survivor)
        return identity.key, survivor

    async def follow(
        self,
        customer_id: str,
        adopt_with: Identity | None = None,
        loaded: Mapping[str, ContactState] | None = None,
    ) -> str | None:
        """The customer that `customer_id` is now (its survivor if merged), or None if unknown.

        With `adopt_with`, an index entry whose contact never appeared (its creator died between
        claiming and creating) is adopted: the contact is created with that identifier. `loaded`
        holds contacts already read (the rest are read here)."""
        cached = self.owners.get(f"customer:{customer_id}")  # `customer` is a reserved kind
        if cached is not None:
            return cached
        first = (loaded or {}).get(customer_id)
        state = await self._load_followed(customer_id, first)
        if state is None and adopt_with is not None:
            state = await self._await_or_adopt(customer_id, adopt_with)
        if state is None:
            return None
        self.owners.put(f"customer:{customer_id}", state.customer_id)
        return state.customer_id

    async def _load_followed(
        self, customer_id: str, first: ContactState | None = None
    ) -> ContactState | None:
        state = first or await self.store.journal.load(customer_id)
        for _ in range(MAX_MERGE_HOPS):
            if state is None or state.merged_into is None:
                break
            state = await self.store.journal.load(state.merged_into)
        return None if state is None or state.erased else state  # erased: no longer a customer

    async def _await_or_adopt(self, customer_id: str, identity: Identity) -> ContactState | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.adopt_after_s
        while loop.time() < deadline:
            await asyncio.sleep(_POLL_S)
            state = await self._load_followed(customer_id)
            if state is not None:
                return state
        if await self.store.index.owner(identity.key) != customer_id:
            raise Conflict("the index entry changed while waiting")
        adopted = create(customer_id, Origin.AUTO, profile_with([identity]))
        with contextlib.suppress(Conflict):  # someone else adopted, or the creator wrote it
            await self.store.journal.append(adopted)
        return await self._load_followed(customer_id)

    async def _create(self, identities: list[Identity]) -> ResolvedCustomer:
        customer_id = new_customer_id()
        first, *rest = identities
        if await self.store.index.claim(first.key, customer_id) != customer_id:
            raise Conflict("a concurrent first sighting won")  # resolve again: now it is known
        won, others = [first], set()
        for identity in rest:
            owner = await self.store.index.claim(identity.key, customer_id)
            if owner == customer_id:
                won.append(identity)
            else:
                others.add(await self.follow(owner, adopt_with=identity) or owner)
        return await self.commit_new(customer_id, won, others, identities)

    async def commit_new(
        self, customer_id: str, won: list[Identity], others: set[str], identities: list[Identity]
    ) -> ResolvedCustomer:
        """Create the contact whose identifiers `won` were just claimed for `customer_id`."""
        [created] = await self.commit_new_many([NewContact(customer_id, won, others, identities)])
        return created

    async def commit_new_many(self, contacts: Sequence[NewContact]) -> list[ResolvedCustomer]:
        """`commit_new` for many first sightings: their contacts created in one journal append."""
        commits = [create(c.customer_id, Origin.AUTO, profile_with(c.won)) for c in contacts]
        conflicts = await self.store.journal.append_new(commits)
        return [
            await self._created(contact, conflict is None)
            for contact, conflict in zip(contacts, conflicts, strict=True)
        ]

    async def _created(self, contact: NewContact, created: bool) -> ResolvedCustomer:
        if not created:  # adopted while we were slow: add what we claimed to the adopted contact
            for identity in contact.won:
                await self.add_to_profile(contact.customer_id, identity)
        for identity in contact.won:
            self.owners.put(identity.key, contact.customer_id)
        await self._record(contact.customer_id, contact.others, contact.identities)
        conflicts = tuple(sorted(contact.others))
        return ResolvedCustomer(contact.customer_id, created=created, conflicts=conflicts)

    async def _link(self, customer_id: str, identity: Identity) -> str:
        owner = await self.store.index.claim(identity.key, customer_id)
        if owner != customer_id:
            return await self.follow(owner, adopt_with=identity) or owner
        await self.add_to_profile(customer_id, identity)
        self.owners.put(identity.key, customer_id)
        return customer_id

    async def add_to_profile(self, customer_id: str, identity: Identity) -> None:
        """Record an identifier already claimed for `customer_id` on its contact (once)."""

        async def attempt() -> None:
            state = await self.store.journal.load(customer_id)
            if state is not None and identity.key not in {i.key for i in state.identities()}:
                await self.store.journal.append(link(state, identity))

        await retry_on_conflict(attempt)

    async def _record(self, primary: str, others: set[str], identities: list[Identity]) -> None:
        keys = [i.key for i in identities]
        for other in others:
            pair = f"{primary}|{other}"
            if self.recorded.get(pair) is None:  # once per TTL, not once per event
                await self.store.duplicates.record(primary, other, keys, source="resolver")
                self.recorded.put(pair, True)
