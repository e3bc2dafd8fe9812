"""Explicit, reversible merges: the survivor takes the merged customer's identifiers."""

from services.contacts.domain import changes
from services.contacts.domain.duplicates import DuplicateStatus
from services.contacts.domain.errors import ContactNotFound, RuleViolation
from services.contacts.service_layer.contacts import Written
from services.contacts.service_layer.ports import ContactDocuments
from services.contacts.service_layer.retries import retry_on_conflict


class Merges:
    def __init__(self, store: ContactDocuments) -> None:
        self.store = store

    async def merge(
        self, survivor_id: str, merged_id: str, reason: str, actor: str | None
    ) -> Written:
        """`contact.merged`, keyed by the survivor; the merged id then routes to the survivor."""

        async def attempt() -> Written:
            survivor = await self.store.journal.load(survivor_id)
            merged = await self.store.journal.load(merged_id)
            if survivor is None:
                raise ContactNotFound(survivor_id)
            if merged is None:
                raise ContactNotFound(merged_id)
            commit = changes.merge(survivor, merged, reason, actor)
            position = await self.store.journal.append(commit)
            return Written(commit.states[0], position)

        written = await retry_on_conflict(attempt)
        await self.store.duplicates.mark(survivor_id, merged_id, DuplicateStatus.MERGED)
        return written

    async def unmerge(self, merged_id: str, reason: str, actor: str | None) -> Written:
        """`contact.unmerged`: `merged_id` and its identifiers are restored as they were."""

        async def attempt() -> tuple[str, Written]:
            merged = await self.store.journal.load(merged_id)
            if merged is None:
                raise ContactNotFound(merged_id)
            if merged.merged_into is None:
                raise RuleViolation("customer_id", f"{merged_id} is not merged")
            survivor = await self.store.journal.load(merged.merged_into)
            if survivor is None:
                raise ContactNotFound(merged.merged_into)
            commit = changes.unmerge(survivor, merged, reason, actor)
            position = await self.store.journal.append(commit)
            return survivor.customer_id, Written(commit.states[1], position)

        survivor_id, written = await retry_on_conflict(attempt)
        await self.store.duplicates.mark(survivor_id, merged_id, DuplicateStatus.OPEN)
        return written
