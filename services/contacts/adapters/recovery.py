"""Finishing the changes of processes that died between committing and clearing their markers.

A live process looks at the outbox markers of runs whose lease expired. For each dead run, one
recoverer wins an insert-if-absent claim (`outbox_claims`, `_id` = run + attempt; a recoverer that
dies itself is replaced by the next attempt). Per pending commit: if the commit was never written
the change never happened, so its markers go; otherwise the event is published unless a scan of
its partition from the recorded bound finds it already there, and the commit is applied.
"""

import asyncio
import contextlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import orjson
from pymongo.errors import DuplicateKeyError

from services.contacts.adapters.journal import ContactJournal
from services.contacts.adapters.log_scan import find_published
from services.contacts.adapters.outbox import Outbox, Placement
from services.contacts.adapters.stored import commit_of
from shared.concurrency import within
from shared.logging import get_logger
from shared.mongo import Document

log = get_logger(__name__)


class OutboxRecovery:
    def __init__(self, journal: ContactJournal, outbox: Outbox) -> None:
        self.journal = journal
        self.outbox = outbox
        self.claims = journal.events.database["outbox_claims"]

    async def recover_once(self) -> int:
        """Recover every dead run's pending commits; returns how many commits were handled."""
        # The outbox only holds in-flight changes, so reading it whole stays cheap.
        markers = [m async for m in self.journal.markers.find({})]
        runs = {r["_id"]: r async for r in self.outbox.runs.find({})}
        by_run: dict[str, list[Document]] = defaultdict(list)
        for marker in markers:
            by_run[marker["run"]].append(marker)
        handled = await self._recover_abandoned(by_run.pop(self.outbox.run_id, []))
        for run, pending in by_run.items():
            if not self._alive(runs.get(run), pending, runs) and await self._claim(run, runs):
                handled += await self._recover_commits(pending)
                await self.outbox.runs.delete_one({"_id": run})
                log.info("recovered a dead outbox run", run=run, markers=len(pending))
        return handled

    async def _recover_abandoned(self, own: list[Document]) -> int:
        """Our own markers older than a lease whose request is no longer running: it failed after
        committing (say the broker was down), and no other process will finish them."""
        cutoff = datetime.now(UTC) - timedelta(seconds=self.outbox.lease_s)
        busy = self.journal.in_flight
        abandoned = [m for m in own if m["at"] < cutoff and m["commit"] not in busy]
        return await self._recover_commits(abandoned)

    def _alive(
        self, run: Document | None, pending: list[Document], runs: dict[str, Document]
    ) -> bool:
        now = datetime.now(UTC)
        if run is None:  # never heartbeated: judge by the age of its markers
            oldest = min(m["at"] for m in pending)
            return bool(now - oldest < timedelta(seconds=self.outbox.lease_s))
        return bool(now - run["heartbeat_at"] < timedelta(seconds=run["lease_s"]))

    async def _claim(self, run: str, runs: dict[str, Document]) -> bool:
        attempts = [c async for c in self.claims.find({"run": run})]
        if attempts:
            latest = max(attempts, key=lambda c: int(c["attempt"]))
            by = runs.get(latest["by"])
            if latest["by"] == self.outbox.run_id or self._alive(by, [latest], runs):
                return False
        attempt = len(attempts) + 1
        claim = {"_id": f"{run}#{attempt}", "run": run, "attempt": attempt}
        try:
            await self.claims.insert_one(
                {**claim, "by": self.outbox.run_id, "at": datetime.now(UTC)}
            )
        except DuplicateKeyError:  # another process won this attempt
            return False
        return True

    async def _recover_commits(self, pending: list[Document]) -> int:
        by_commit: dict[str, list[Document]] = defaultdict(list)
        for marker in pending:
            by_commit[marker["commit"]].append(marker)
        for commit_id, markers in by_commit.items():
            await self._recover_commit(commit_id, markers)
        return len(by_commit)

    async def _recover_commit(self, commit_id: str, markers: list[Document]) -> None:
        doc = await self.journal.events.find_one({"_id": commit_id})
        if doc is None:  # died before the commit point: the change never happened
            for marker in markers:
                await self.journal.events.delete_one({"_id": marker["_id"], "commit": commit_id})
        elif (commit := commit_of(doc)) is not None:  # None: an erasure stubbed it since
            await self._publish_once(commit)
            await self.journal.apply(commit)
        for marker in markers:
            await self.journal.markers.delete_one({"_id": marker["_id"]})

    async def _publish_once(self, doc: Document) -> None:
        if not doc["publish"]:
            return
        placement = Placement(**doc["placement"])
        event = doc["event"]
        found = await find_published(self.outbox.settings, self.outbox.topic, event, placement)
        if found is not None:
            log.info("pending event was already published", event_id=event["id"])
            return
        key = doc["states"][0]["customer_id"]
        await self.outbox.publish(key, orjson.dumps(event), placement.partition, via="recovery")

    async def keep_recovering(self, stop: asyncio.Event) -> None:
        """Look for dead runs every half lease until `stop` is set."""
        while not stop.is_set():
            try:
                await self.recover_once()
            except Exception as exc:  # keep the loop alive through store or broker outages
                log.warning("outbox recovery failed", error=str(exc))
            with contextlib.suppress(TimeoutError):
                await within(stop.wait(), self.outbox.lease_s / 2)
