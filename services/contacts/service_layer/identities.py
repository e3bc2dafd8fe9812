"""Use cases on identifiers: link one to a contact, find whom one belongs to."""

from services.contacts.domain import commands
from services.contacts.domain.contact import ContactState
from services.contacts.domain.errors import ContactNotFound, IdentifierTaken, RuleViolation
from services.contacts.service_layer.contacts import Contacts, Written
from services.contacts.service_layer.retries import retry_on_conflict
from shared.events.contacts import Identity
from shared.identity.normalise import normalise_identity


class Identities:
    def __init__(self, contacts: Contacts) -> None:
        self.contacts = contacts

    async def link(self, customer_id: str, kind: str, value: str) -> tuple[Written, bool]:
        """Give the contact another identifier; returns whether it was newly linked."""
        identity = normalise_identity(kind, value, self.contacts.region)
        state = await self.contacts.load(customer_id)
        if identity.key in {i.key for i in state.identities()}:
            return Written(state), False
        held = state.profile.external_ids.get(identity.kind)
        if held is not None:
            raise RuleViolation("kind", f"the contact already has {identity.kind} id {held!r}")
        owner = await self.contacts.store.index.claim(identity.key, state.customer_id)
        if owner != state.customer_id:
            survivor = (await self.contacts.load(owner)).customer_id
            if survivor != state.customer_id:
                raise IdentifierTaken("value", identity.key, survivor)

        async def attempt() -> Written:
            current = await self.contacts.load(state.customer_id)
            if identity.key in {i.key for i in current.identities()}:
                return Written(current)
            return await self.contacts.commit(current, commands.link(current, identity))

        return await retry_on_conflict(attempt), True

    async def owner_of(self, kind: str, value: str) -> tuple[Identity, str, ContactState]:
        """Who an identifier resolves to: the index owner and the contact it is now."""
        identity = normalise_identity(kind, value, self.contacts.region)
        owner = await self.contacts.store.index.owner(identity.key)
        if owner is None:
            raise ContactNotFound(identity.key)
        return identity, owner, await self.contacts.load(owner)
