"""Resolving many customer blocks at once: what the interactions service asks for each batch.

Known identifiers are read in one `$in` read by `_id`, and the contacts they name in a second
(to follow merges; a merged one is followed on by itself). First sightings claim their strongest
identifier for a new customer in one unordered bulk insert; a duplicate key there is a lost race,
and that block resolves again through the one-block resolver, which now finds and follows the
winner. The winners claim their other identifiers in a second bulk insert, and the new contacts
are committed together (their `contact.created` events go to the producer at once). Blocks that
need more — a given customer id, an identifier to link, identifiers of two customers, or
identifiers shared with another block of the batch — take the one-block path.
"""

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Sequence

from services.contacts.domain.ids import new_customer_id
from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.service_layer.resolver import IdentityResolver, NewContact, strength
from shared.events.contacts import Identity
from shared.events.customer import CustomerRef
from shared.identity.normalise import InvalidIdentifier, ref_identities

Answer = ResolvedCustomer | InvalidIdentifier


@dataclasses.dataclass(frozen=True)
class Block:
    ref: CustomerRef
    identities: list[Identity]

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.identities]


class BatchResolution:
    def __init__(self, resolver: IdentityResolver) -> None:
        self.resolver = resolver
        self.index = resolver.store.index

    async def resolve_many(self, refs: Sequence[CustomerRef]) -> list[Answer]:
        """Per block, in order: its customer, or why its identifiers name none. Raises only when
        the store or the broker does not answer."""
        blocks = [self._parse(ref) for ref in refs]
        valid = [b for b in blocks if isinstance(b, Block)]
        owners = await self.resolver.known_owners([i for b in valid for i in b.identities])
        answers: dict[int, Answer] = {}
        first_sightings: dict[int, Block] = {}
        for n, block in enumerate(blocks):
            if isinstance(block, InvalidIdentifier):
                answers[n] = block
            elif (known := _one_known_owner(block, owners)) is not None:
                answers[n] = ResolvedCustomer(known)
            elif _first_sighting(block, owners):
                first_sightings[n] = block
        answers |= await self._create_all(_disjoint(first_sightings))
        # The rest, and first sightings that lost the race for their first identifier. Blocks
        # sharing an identifier go one after the other, so the later ones find the earlier.
        rest = {n: b for n, b in enumerate(blocks) if n not in answers and isinstance(b, Block)}
        apart = _disjoint(rest)
        found = await asyncio.gather(*(self._resolve_one(b) for b in apart.values()))
        answers |= dict(zip(apart, found, strict=True))
        for n in (n for n in rest if n not in apart):
            answers[n] = await self._resolve_one(rest[n])
        return [answers[n] for n in range(len(blocks))]

    def _parse(self, ref: CustomerRef) -> Block | InvalidIdentifier:
        try:
            identities = ref_identities(ref, self.resolver.region)
        except InvalidIdentifier as exc:
            return exc
        return Block(ref, sorted(identities, key=strength))

    async def _resolve_one(self, block: Block) -> Answer:
        try:
            return await self.resolver.resolve(block.ref)
        except InvalidIdentifier as exc:  # e.g. a customer id that does not exist
            return exc

    async def _create_all(self, fresh: dict[int, Block]) -> dict[int, Answer]:
        """New customers for first sightings; blocks that lost their first claim are left out."""
        ids = {n: new_customer_id() for n in fresh}
        firsts = await self.index.claim_many({b.keys[0]: ids[n] for n, b in fresh.items()})
        winners = {n: b for n, b in fresh.items() if firsts[b.keys[0]] == ids[n]}
        rest = {i.key: ids[n] for n, b in winners.items() for i in b.identities[1:]}
        claimed = await self.index.claim_many(rest)
        contacts = await asyncio.gather(
            *(self._new_contact(ids[n], b, claimed) for n, b in winners.items())
        )
        created = await self.resolver.commit_new_many(contacts)
        return dict(zip(winners, created, strict=True))

    async def _new_contact(
        self, customer_id: str, block: Block, claimed: dict[str, str]
    ) -> NewContact:
        won = [i for i in block.identities if claimed.get(i.key, customer_id) == customer_id]
        lost = [i for i in block.identities if i not in won]
        others = {
            await self.resolver.follow(claimed[i.key], adopt_with=i) or claimed[i.key] for i in lost
        }
        return NewContact(customer_id, won, others, block.identities)


def _one_known_owner(block: Block, owners: dict[str, str | None]) -> str | None:
    """The customer when every identifier is known and all name the same one, else None."""
    found = {owners[k] for k in block.keys}
    if block.ref.customer_id or len(found) != 1 or None in found:
        return None
    return found.pop()


def _first_sighting(block: Block, owners: dict[str, str | None]) -> bool:
    return (
        bool(block.identities)
        and not block.ref.customer_id
        and not any(owners[k] for k in block.keys)
    )


def _disjoint(blocks: dict[int, Block]) -> dict[int, Block]:
    """The blocks none of whose identifiers appears in another of `blocks`."""
    seen = Counter(k for b in blocks.values() for k in set(b.keys))
    return {n: b for n, b in blocks.items() if all(seen[k] == 1 for k in b.keys)}
