"""The contact journal: each accepted change is committed once, published once, then applied.

Without transactions (FerretDB v1 has none, and its updates are not atomic under concurrent
writers) the only atomic step is inserting a document with a new `_id`. So a change from version
N to N+1 of customer C is claimed by inserting `C:N+1`, in this order:

1. an outbox marker `outbox/C:N+1` (the claim, and the note that something is pending);
2. for other customers the change touches (a merge's merged customer), a pointer `M:v` -> commit;
3. the commit `contact_events/C:N+1`: the event, every resulting state, index changes (by blind
   id, as the index holds them) — from here on the change has happened and recovery rolls it
   forward;
4. publish the event (keyed by C), 5. write the snapshots and index entries, 6. drop the markers.

A concurrent writer loses at step 1-3 with `Conflict` and retries from a fresh read. Snapshots
change only after the event is in Kafka, so a customer's events reach the log in version order.
"""

import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Histogram
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contacts.adapters.history import contact_history
from services.contacts.adapters.index import COLLECTION as INDEX
from services.contacts.adapters.outbox import Outbox, Placement
from services.contacts.adapters.stored import (
    commit_document,
    commit_of,
    snapshot_document,
    snapshot_of,
)
from services.contacts.domain.commands import Commit
from services.contacts.domain.contact import ContactState
from services.contacts.service_layer.ports import Conflict
from shared.concurrency import together
from shared.events import encode_event
from shared.mongo import Document, insert_new, read_by_ids
from shared.position import Position
from shared.privacy.blind import BlindIndex, is_blind_id

StepHook = Callable[[str], Awaitable[None]]
COMMITTED = Counter("c360_contact_changes_total", "Contact changes committed", ["event"])
CONFLICTS = Counter("c360_contact_write_conflicts_total", "Contact writes that lost a race")
COMMIT_SECONDS = Histogram(
    "c360_contact_commit_seconds",
    "Claim, commit, publish and apply of one contact change",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


def stream_id(state: ContactState) -> str:
    return f"{state.customer_id}:{state.version}"


class ContactJournal:
    """Snapshots in `contacts`, commits in `contact_events`, pending markers in `outbox`."""

    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox, blind: BlindIndex) -> None:
        self.contacts = db["contacts"]
        self.events = db["contact_events"]
        self.markers = db["outbox"]
        self.index = db[INDEX]
        self.outbox = outbox
        self.blind = blind
        # Told "committed" and "published" as a change passes those points; fault tests install
        # a hook that pauses there so the process can be killed at exactly that step.
        self.step_hook: StepHook | None = None
        self.in_flight: set[str] = set()  # commits this process is still writing

    async def load(self, customer_id: str) -> ContactState | None:
        doc = await self.contacts.find_one({"_id": customer_id})
        return None if doc is None else snapshot_of(doc)

    async def load_many(self, customer_ids: Sequence[str]) -> dict[str, ContactState]:
        found = await read_by_ids(self.contacts, customer_ids)
        return {customer_id: snapshot_of(doc) for customer_id, doc in found.items()}

    async def forget(self, state: ContactState) -> None:
        """After an erasure: destroy the customer's data key, so every sealed copy in the log
        and its replays is unreadable, and strip the journal's earlier commits to stubs."""
        await self.outbox.keyring.destroy(state.customer_id)
        for version in range(1, state.version):  # by _id
            stub = {"erased": True}
            await self.events.replace_one({"_id": f"{state.customer_id}:{version}"}, stub)
        # The erase commit stays (the fact of the erasure); the identifiers it released go.
        erase_id = f"{state.customer_id}:{state.version}"
        stored = await self.events.find_one({"_id": erase_id})
        erase_commit = None if stored is None else commit_of(stored)
        if erase_commit is not None:
            erase_commit["index"] = []
            await self.events.replace_one({"_id": erase_id}, commit_document(erase_commit))

    async def history(self, state: ContactState, limit: int = 200) -> list[dict[str, Any]]:
        """The customer's events as CloudEvents, oldest first (the newest `limit`)."""
        return await contact_history(self, state, limit)

    async def append(self, commit: Commit) -> Position | None:
        """Commit, publish and apply; raises Conflict if another writer got there first."""
        started = time.perf_counter()
        placement = await self.outbox.place(commit.key)
        doc = commit_doc(commit, placement, self.blind)
        commit_id = doc["_id"]
        run = self.outbox.run_id
        self.in_flight.add(commit_id)
        try:
            try:
                claimed = await self._claim(commit, doc, placement, run)
            except Conflict:
                CONFLICTS.inc()
                raise
            await self._step("committed")
            position = None
            if commit.publish:
                value = encode_event(commit.event)
                position = await self.outbox.publish(
                    commit.key, value, placement.partition, run=run
                )
                await self._step("published")
            await self.apply(doc)
        finally:
            self.in_flight.discard(commit_id)
        COMMITTED.labels(commit.event.type.short_name).inc()
        COMMIT_SECONDS.observe(time.perf_counter() - started)
        for marker_id in claimed:  # by _id: the only filter FerretDB/SQLite pushes down
            await self.markers.delete_one({"_id": marker_id})
        return position

    async def append_new(self, commits: Sequence[Commit]) -> list[Conflict | None]:
        """`append` for many commits that each create one contact, in the same steps and with
        the same documents (so recovery treats them alike), each step one round trip for all.
        Per commit: None, or the Conflict of one that lost (another writer created it first)."""
        if not commits:
            return []
        assert all(len(c.states) == 1 and c.states[0].version == 1 for c in commits)
        started = time.perf_counter()
        run = self.outbox.run_id
        placements = [await self.outbox.place(c.key) for c in commits]
        docs = [commit_doc(c, p, self.blind) for c, p in zip(commits, placements, strict=True)]
        ids = [doc["_id"] for doc in docs]
        self.in_flight.update(ids)
        try:
            now = datetime.now(UTC)
            markers = [
                {"_id": i, "commit": i, "run": run, "at": now, **asdict(p)}
                for i, p in zip(ids, placements, strict=True)
            ]
            marked = [not taken for taken in await insert_new(self.markers, markers)]
            self.outbox.check_lease(run)
            claimed = [n for n, ours in enumerate(marked) if ours]
            existed = await insert_new(self.events, [commit_document(docs[n]) for n in claimed])
            lost = [n for n, taken in zip(claimed, existed, strict=True) if taken]
            for n in lost:  # undo our marker: the other writer's commit stands
                await self.markers.delete_one({"_id": ids[n]})
            won = [n for n, taken in zip(claimed, existed, strict=True) if not taken]
            await self._step("committed")
            publish = [n for n in won if commits[n].publish]
            records = [
                (commits[n].key, encode_event(commits[n].event), placements[n].partition)
                for n in publish
            ]
            await self.outbox.publish_new(records, run=run)
            await self._step("published")
            await self._apply_new([docs[n] for n in won])
        finally:
            self.in_flight.difference_update(ids)
        for commit_n in won:
            COMMITTED.labels(commits[commit_n].event.type.short_name).inc()
        COMMIT_SECONDS.observe(time.perf_counter() - started)
        # One delete for all: the outbox holds only pending markers, so even a scan is short.
        await self.markers.delete_many({"_id": {"$in": [ids[n] for n in won]}})
        winners = set(won)
        return [
            None if n in winners else Conflict(f"{commits[n].key} was created concurrently")
            for n in range(len(commits))
        ]

    async def _apply_new(self, docs: list[Document]) -> None:
        """`apply` for commits of new contacts: index entries are written where they do not
        already name the contact (the resolver claimed most of them), snapshots inserted."""
        changes = {c["key"]: c["customer_id"] for doc in docs for c in doc["index"]}
        entries = await read_by_ids(self.index, list(changes))
        stale = [
            (key, owner)
            for key, owner in changes.items()
            if entries.get(key, {}).get("customer_id") != owner
        ]
        await together(self._write_entry(key, owner) for key, owner in stale)
        states = [ContactState.model_validate(doc["states"][0]) for doc in docs]
        snapshots = [snapshot_document(state) for state in states]
        await insert_new(self.contacts, snapshots)  # existing ones were rolled forward already

    async def _write_entry(self, entry_id: str, owner: str | None) -> None:
        if owner is None:
            await self.index.delete_one({"_id": entry_id})
        else:
            await self.index.replace_one({"_id": entry_id}, {"customer_id": owner}, upsert=True)

    async def _step(self, name: str) -> None:
        if self.step_hook is not None:
            await self.step_hook(name)

    async def _claim(
        self, commit: Commit, doc: Document, placement: Placement, run: str
    ) -> list[str]:
        ids = [stream_id(s) for s in commit.states]
        commit_id = doc["_id"]
        done: list[tuple[str, str]] = []  # (collection, _id) to undo if a step loses
        now = datetime.now(UTC)
        try:
            for sid in ids:
                marker = {"_id": sid, "commit": commit_id, "run": run, "at": now}
                await self.markers.insert_one({**marker, **asdict(placement)})
                done.append(("outbox", sid))
            for sid in ids[1:]:
                await self.events.insert_one({"_id": sid, "commit": commit_id})
                done.append(("contact_events", sid))
            self.outbox.check_lease(run)
            await self.events.insert_one(commit_document(doc))
        except DuplicateKeyError:
            for collection, doc_id in reversed(done):
                await self.events.database[collection].delete_one({"_id": doc_id})
            raise Conflict(f"{commit.key} changed concurrently") from None
        return ids

    async def apply(self, doc: Document) -> None:
        """Write a commit's snapshots and index entries; safe to repeat."""
        for change in doc["index"]:
            entry_id = change["key"]
            if not is_blind_id(entry_id):  # committed before the blind index, rolled forward now
                entry_id = self.blind.blind_id(entry_id)
            await self._write_entry(entry_id, change["customer_id"])
        for raw in doc["states"]:
            state = ContactState.model_validate(raw)
            await self._write_snapshot(state)

    async def _write_snapshot(self, state: ContactState) -> None:
        if state.version == 1:
            with contextlib.suppress(DuplicateKeyError):  # already rolled forward by recovery
                await self.contacts.insert_one(snapshot_document(state))
            return
        # Guarded on the previous version so a late repeat never moves a snapshot backwards.
        await self.contacts.replace_one(
            {"_id": state.customer_id, "version": state.version - 1}, snapshot_document(state)
        )


def commit_doc(commit: Commit, placement: Placement, blind: BlindIndex) -> Document:
    index = [{"key": blind.blind_id(k), "customer_id": c} for k, c in commit.index]
    return {
        "_id": stream_id(commit.states[0]),
        "event": commit.event.to_json_dict(),
        "publish": commit.publish,
        "states": [s.model_dump(mode="json") for s in commit.states],
        "index": index,
        "placement": asdict(placement),
        "at": datetime.now(UTC),
    }
