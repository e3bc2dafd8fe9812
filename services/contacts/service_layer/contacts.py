"""Use cases on one contact: create, read, update, consent, erase, history."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.contacts.domain import changes, commands
from services.contacts.domain.contact import ContactState
from services.contacts.domain.errors import (
    ContactErasedError,
    ContactNotFound,
    IdentifierTaken,
    RuleViolation,
    VersionMismatch,
)
from services.contacts.domain.ids import new_customer_id
from services.contacts.service_layer.ports import Conflict, ContactDocuments
from services.contacts.service_layer.retries import retry_on_conflict
from shared.events.contacts import MAX_MERGE_HOPS, Acquisition, Identity, Origin
from shared.events.customer import Channel, Consent, Profile, ProfileChanges
from shared.identity.normalise import identities_of
from shared.position import Position


@dataclass(frozen=True)
class Written:
    """A contact after a command, and where its event went (None when nothing changed)."""

    state: ContactState
    position: Position | None = None


class Contacts:
    def __init__(self, store: ContactDocuments) -> None:
        self.store = store
        self.region = store.settings.default_region

    async def load(self, customer_id: str, follow: bool = True) -> ContactState:
        """The contact, or its survivor if merged (`follow`); refuses unknown and erased ids."""
        state = await self.store.journal.load(customer_id)
        for _ in range(MAX_MERGE_HOPS if follow else 0):
            if state is None or state.merged_into is None:
                break
            state = await self.store.journal.load(state.merged_into)
        if state is None:
            raise ContactNotFound(customer_id)
        if state.erased:
            raise ContactErasedError(customer_id)
        return state

    async def create(self, draft: Profile, acquisition: Acquisition | None = None) -> Written:
        """A new contact with `draft`'s fields, its identifiers normalised and claimed."""
        found = identities_of(
            emails=draft.emails,
            phones=draft.phones,
            external_ids=draft.external_ids,
            default_region=self.region,
        )
        await self._refuse_owned(found)
        customer_id = new_customer_id()
        claimed: list[Identity] = []
        for identity in found:
            owner = await self.store.index.claim(identity.key, customer_id)
            if owner != customer_id:  # lost a race after the check above
                for mine in claimed:
                    await self.store.index.release(mine.key, customer_id)
                raise IdentifierTaken(_field_of(identity), identity.key, owner)
            claimed.append(identity)
        profile = commands.profile_with(found, draft.model_copy(update=_no_identifiers()))
        commit = commands.create(customer_id, Origin.API, profile, acquisition)
        position = await self.store.journal.append(commit)
        return Written(commit.states[0], position)

    async def _refuse_owned(self, found: list[Identity]) -> None:
        owners = await self.store.index.owners([i.key for i in found])
        for identity in found:
            owner = owners[identity.key]
            if owner is not None:
                survivor = await self.load(owner)
                raise IdentifierTaken(_field_of(identity), identity.key, survivor.customer_id)

    async def update(
        self, customer_id: str, patch: ProfileChanges, if_match: int | None
    ) -> Written:
        """Change profile fields; with `if_match`, only if the contact is at that version."""
        return await self._guarded(customer_id, if_match, lambda s: changes.update(s, patch))

    async def set_consent(
        self, customer_id: str, channel: Channel, consent: Consent, if_match: int | None = None
    ) -> Written:
        """One channel's consent; with `if_match`, only if the contact is at that version."""
        return await self._guarded(
            customer_id, if_match, lambda s: changes.set_consent(s, channel, consent)
        )

    async def _guarded(
        self,
        customer_id: str,
        if_match: int | None,
        change: Callable[[ContactState], commands.Commit | None],
    ) -> Written:
        async def attempt() -> Written:
            state = await self.load(customer_id)
            if if_match is not None and state.version != if_match:
                raise VersionMismatch(if_match, state.version)
            return await self.commit(state, change(state))

        if if_match is None:
            return await retry_on_conflict(attempt)
        try:
            return await attempt()
        except Conflict:  # someone else wrote the version the client expected to replace
            state = await self.load(customer_id)
            raise VersionMismatch(if_match, state.version) from None

    async def erasable(self, customer_id: str) -> ContactState:
        """The contact, if it may be erased now: not merged, and holding no merged contact."""
        state = await self.load(customer_id, follow=False)
        if state.merged_from:
            merged = ", ".join(state.merged_from)
            raise RuleViolation("customer_id", f"unmerge or erase {merged} first")
        return state

    async def erase(self, customer_id: str, reason: str) -> Written:
        """Erase the contact and destroy its data key (see `erasure.Erasure`, which does the rest
        of an erasure first)."""

        async def attempt() -> Written:
            state = await self.erasable(customer_id)
            return await self.commit(state, changes.erase(state, reason, datetime.now(UTC)))

        written = await retry_on_conflict(attempt)
        await self.store.journal.forget(written.state)
        await self.store.duplicates.forget(customer_id)
        return written

    async def history(self, customer_id: str, limit: int) -> list[dict[str, Any]]:
        """The contact's own events (not its survivor's), oldest first."""
        state = await self.store.journal.load(customer_id)
        if state is None:
            raise ContactNotFound(customer_id)
        if state.erased:
            raise ContactErasedError(customer_id)
        return await self.store.journal.history(state, limit)

    async def commit(self, state: ContactState, commit: commands.Commit | None) -> Written:
        """Append `commit` (if any) and answer with the resulting state."""
        if commit is None:
            return Written(state)
        position = await self.store.journal.append(commit)
        return Written(commit.states[0], position)


def _field_of(identity: Identity) -> str:
    return {"email": "emails", "phone": "phones"}.get(
        identity.kind, f"external_ids.{identity.kind}"
    )


def _no_identifiers() -> dict[str, Any]:
    return {"emails": (), "phones": (), "external_ids": {}}
