"""Erasure-scan benchmark: records and documents per second of `verify`, same run, three ways.

The raw limit is a pass that reads every record and document and matches nothing; `before` looks
for what the scan searched before values others may share were added (identifiers and texts of 5
characters or more, as substrings); `after` looks for everything (`before` plus a short first
name, a birthday, every address field and notifications' subjects and bodies, searched whole in
the customer's records). The data: ~1 KB CloudEvents in the keyed topics and ~1 KB documents, 1 %
of them naming the customer, many naming namesakes ("Ali ...", the same city and birthday).
"""

import time
from typing import Any

from bson.raw_bson import RawBSONDocument

from services.ops.erasure.scanning import Coverage, Finding, c360_topics, scan_store, scan_topics
from services.ops.erasure.verification import verify
from shared.kafka import ensure_topics, make_producer
from shared.mongo import make_client
from shared.privacy.matching import Matcher
from shared.privacy.needles import Needles, Subject, is_shared
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, sample_event_bytes

RECORDS = 20_000
DOCUMENTS = 5_000
CUSTOMER = "2f6c1d7e-0b7a-4c1e-9d55-bench0000001"
SUBJECT = Subject(
    identifiers=(("email", "ali.bench@example.com"), ("phone", "0912 777 1234"), ("crm", "C-7")),
    texts=(
        ("profile.name", "Ali"),
        ("profile.birthday", "1990-05-01"),
        ("profile.address.line1", "7 Hafez Street"),
        ("profile.address.city", "Shiraz"),
        ("profile.address.country", "IR"),
        ("notes", "مشتری از تاخیر ارسال ناراضی است"),
        ("notification.subject", "We received your complaint: late parcel"),
        ("notification.body", "Dear Ali, we have received your complaint K-9 and are on it."),
    ),
)


def before(subject: Subject) -> Subject:
    """What the scan looked for before: no short values, birthdays, cities or notifications."""
    return Subject(
        tuple(p for p in subject.identifiers if not is_shared(*p)),
        tuple(p for p in subject.texts if not is_shared(*p)),
    )


def document(i: int) -> dict[str, Any]:
    owner = CUSTOMER if i % 100 == 0 else f"c-{i}"
    return {
        "_id": f"{owner}:{i}",
        "customer_id": owner,
        "name": f"Ali Rezaei {i}",
        "birthday": "1990-05-01",
        "address": {"city": "Shiraz", "country": "IR"},
        "pad": "x" * 800,
    }


async def populate(settings: Settings) -> None:
    await ensure_topics(settings)
    topics = Topics.from_settings(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        for i in range(RECORDS):
            topic = (topics.contacts, topics.interactions, topics.notifications)[i % 3]
            key = CUSTOMER if i % 100 == 0 else f"c-{i}"
            await producer.send(topic, sample_event_bytes(i), key=key.encode())
        await producer.flush()
    finally:
        await producer.stop()
    client = make_client(settings)
    try:
        await client[settings.database]["bench_views"].insert_many(
            [document(i) for i in range(DOCUMENTS)]
        )
    finally:
        await client.close()


async def rate(settings: Settings, subject: Subject | None) -> dict[str, Any]:
    """Records and documents per second of one scan (`None`: match nothing, the raw pass)."""
    started = time.perf_counter()
    if subject is None:
        coverage, findings, spellings = await read_everything(settings)
    else:
        verdict = await verify(settings, CUSTOMER, subject, [settings.database], _quiet)
        coverage, findings, spellings = verdict.coverage, list(verdict.findings), verdict.needles
    seconds = time.perf_counter() - started
    scanned = coverage.records + coverage.documents
    return {
        "scanned": scanned,
        "spellings": spellings,
        "findings": len(findings),
        "seconds": round(seconds, 2),
        "per_s": round(scanned / seconds),
    }


async def read_everything(settings: Settings) -> tuple[Coverage, list[Finding], int]:
    """The scan's reading with nothing to match: the raw limit."""
    nothing, coverage = Matcher(Needles(())), Coverage()
    topics = await c360_topics(settings)
    findings = await scan_topics(settings, topics, nothing, coverage, _quiet)
    client = make_client(settings, document_class=RawBSONDocument)
    try:
        findings += await scan_store(client, [settings.database], nothing, coverage, _quiet)
    finally:
        await client.close()
    return coverage, findings, 0


def _quiet(line: str) -> None:
    pass


async def run(settings: Settings) -> dict[str, Any]:
    await populate(settings)
    result = {
        "raw": await rate(settings, None),
        "before": await rate(settings, before(SUBJECT)),
        "after": await rate(settings, SUBJECT),
    }
    raw = result["raw"]["per_s"]
    for name in ("before", "after"):
        result[name]["ratio_to_raw"] = round(result[name]["per_s"] / raw, 3)
    console.print(
        f"scan of {result['raw']['scanned']} records+documents: raw {raw}/s;"
        f" before {result['before']['per_s']}/s ({result['before']['spellings']} spellings,"
        f" x{result['before']['ratio_to_raw']});"
        f" after {result['after']['per_s']}/s ({result['after']['spellings']} spellings,"
        f" x{result['after']['ratio_to_raw']}); findings after: {result['after']['findings']}"
    )
    return result
