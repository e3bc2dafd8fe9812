"""`verify`: scan every c360 topic and collection for a person and say what is left.

What is found in a topic with a bounded retention (the ingress topic and the dead letters hold
adapters' bytes in clear) is a copy that expires, and the verdict says when; anything else is
held until someone deletes it. Consumers fold an erasure asynchronously, so a collection where
something is found is scanned again for up to `settle_seconds` before it counts.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bson.raw_bson import RawBSONDocument

from services.ops.erasure.scanning import (
    Coverage,
    Finding,
    Progress,
    c360_topics,
    scan_store,
    scan_topics,
)
from shared.mongo import make_client
from shared.privacy.matching import Matcher
from shared.privacy.needles import Subject, needles_of
from shared.settings import Settings

CLEAN, HELD, EXPIRING = 0, 1, 3  # exit codes
RESCAN_PAUSE_S = 2.0


@dataclass(frozen=True)
class Verdict:
    coverage: Coverage
    findings: tuple[Finding, ...]
    whole: tuple[str, ...]  # values searched whole, in the customer's records only, by label
    needles: int

    @property
    def held(self) -> list[Finding]:
        return [f for f in self.findings if f.expires_at is None]

    @property
    def expiring(self) -> list[Finding]:
        return [f for f in self.findings if f.expires_at is not None]

    @property
    def last_copy_expires(self) -> datetime | None:
        return max((f.expires_at for f in self.expiring if f.expires_at), default=None)

    @property
    def exit_code(self) -> int:
        return HELD if self.held else EXPIRING if self.findings else CLEAN


async def verify(
    settings: Settings,
    customer: str,
    subject: Subject,
    databases: list[str],
    progress: Progress,
    settle_seconds: float = 0.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Verdict:
    needles = needles_of(subject, settings.default_region)
    if not needles.needles:
        raise ValueError("nothing to look for: give identifiers or texts")
    matcher, coverage = Matcher(needles, owner=customer), Coverage()
    topics = await c360_topics(settings)
    progress(f"scanning {len(topics)} topics for {len(needles.needles)} spellings")
    in_log = await scan_topics(settings, topics, matcher, coverage, progress)
    deadline = time.monotonic() + settle_seconds
    client = make_client(settings, document_class=RawBSONDocument)
    try:
        in_store = await scan_store(client, databases, matcher, coverage, progress)
        while in_store and time.monotonic() < deadline:
            places = {f.where for f in in_store}
            progress(f"found in {len(places)} collection(s); scanning them again (erasure folding)")
            await sleep(RESCAN_PAUSE_S)
            again = Coverage()
            in_store = await scan_store(client, databases, matcher, again, progress, places)
    finally:
        await client.close()
    whole = tuple(needles.whole_labels)
    return Verdict(coverage, tuple(in_log + in_store), whole, len(needles.needles))
