"""Reading everything c360 holds, raw, for a `Matcher`: every record of every c360 topic (all
partitions, from the beginning to the end offsets seen at the start) and every document of every
collection of the c360 databases (as the BSON bytes the store returns)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import AsyncMongoClient

from shared.kafka import make_admin, partitions_of
from shared.log_reading import every_record
from shared.privacy.matching import Matcher
from shared.privacy.retention import Retention
from shared.settings import Settings

Progress = Callable[[str], None]
BROKER_SEGMENT_MS = 7 * 24 * 3600 * 1000


@dataclass(frozen=True)
class Finding:
    where: str  # topic, or database.collection
    position: str  # partition:offset, or the document's _id
    labels: tuple[str, ...]
    expires_at: datetime | None = None  # None: kept until someone deletes it


@dataclass
class Coverage:
    topics: list[str] = field(default_factory=list)
    partitions: int = 0
    records: int = 0
    collections: list[str] = field(default_factory=list)
    documents: int = 0


async def c360_topics(settings: Settings) -> dict[str, Retention]:
    """Every topic of this deployment (`<prefix>c360.*`) with its retention, from the broker."""
    admin = make_admin(settings)
    await admin.start()
    try:
        names = sorted(
            t for t in await admin.list_topics() if t.startswith(f"{settings.topic_prefix}c360.")
        )
        resources = [ConfigResource(ConfigResourceType.TOPIC, n) for n in names]
        responses = await admin.describe_configs(resources) if names else []
    finally:
        await admin.close()
    configs = {
        name: {entry[0]: entry[1] for entry in entries}
        for response in responses
        for _, _, _, name, entries in response.resources
    }
    return {n: _retention(configs.get(n, {})) for n in names}


def _retention(config: dict[str, str | None]) -> Retention:
    retention = int(config.get("retention.ms") or -1)
    return Retention(retention, int(config.get("segment.ms") or BROKER_SEGMENT_MS))


async def scan_topics(
    settings: Settings,
    topics: dict[str, Retention],
    matcher: Matcher,
    coverage: Coverage,
    progress: Progress,
) -> list[Finding]:
    partitions = await partitions_of(settings, list(topics)) if topics else []
    coverage.topics += list(topics)
    coverage.partitions += len(partitions)
    findings: list[Finding] = []
    async for r in every_record(settings, partitions):
        coverage.records += 1
        labels = matcher.find(
            b"\n".join([r.key or b"", r.value or b"", *(v for _, v in r.headers)])
        )
        if labels:
            expires = topics[r.topic].expiry(r.timestamp)
            at = f"{r.partition}:{r.offset}"
            findings.append(Finding(r.topic, at, tuple(sorted(labels)), expires))
        if coverage.records % 5_000 == 0:
            progress(f"{coverage.records} records scanned ({r.topic})")
    return findings


async def scan_store(
    client: AsyncMongoClient[Any],
    databases: list[str],
    matcher: Matcher,
    coverage: Coverage,
    progress: Progress,
    only: set[str] | None = None,
) -> list[Finding]:
    """Every document of every collection (or of the `database.collection`s in `only`)."""
    findings: list[Finding] = []
    raw = CodecOptions(document_class=RawBSONDocument)
    for name in databases:
        db = client.get_database(name, codec_options=raw)
        for collection in sorted(await db.list_collection_names()):
            where = f"{name}.{collection}"
            if only is not None and where not in only:
                continue
            coverage.collections.append(where)
            async for document in db[collection].find({}):
                coverage.documents += 1
                labels = matcher.find(document.raw)
                if labels:
                    findings.append(
                        Finding(where, _position(document, matcher), tuple(sorted(labels)))
                    )
                if coverage.documents % 5_000 == 0:
                    progress(f"{coverage.documents} documents scanned ({where})")
    return findings


def _position(document: RawBSONDocument, matcher: Matcher) -> str:
    """The document's _id, unless the _id itself holds what was found (an identity key)."""
    doc_id = str(document.get("_id"))
    held = matcher.find(doc_id.encode(), whole_anywhere=True)
    return "(its _id holds the value)" if held else doc_id
