"""Folds `c360.audit` into the `audit` collection: a handler in the shared batch runner."""

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.audit_store import AuditStore
from services.projections.domain.audit import audit_document
from services.projections.entrypoints.runner import ping
from shared.auth.audit import decode_audit
from shared.consuming import BatchRunner, Record, RunnerOptions
from shared.consuming.deadletters import KafkaDeadLetters
from shared.kafka import MAX_RECORD_BYTES
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics

CONSUMER = "audit-projection"


class AuditProjection:
    def __init__(self, store: AuditStore) -> None:
        self.store = store

    async def handle(self, records: Sequence[Record]) -> None:
        """A record that is not an audit event fails the batch; the runner isolates it."""
        await self.store.save([audit_document(decode_audit(r.value or b"")) for r in records])


async def run_audit_projection(
    settings: Settings, db: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> None:
    """`c360.audit` into the `audit` collection, for ever (runs beside the view worker)."""
    topics = Topics.from_settings(settings)
    dead_letters = KafkaDeadLetters(producer, topics.deadletter, CONSUMER, MAX_RECORD_BYTES)
    options = RunnerOptions(
        name=CONSUMER,
        group_id=f"{settings.topic_prefix}c360-audit-projection",
        topics=[topics.audit],
        max_records=1000,
        poll_ms=200,
        per_customer=False,
        stall_after_s=settings.stall_after_s,
    )
    runner = BatchRunner(
        settings, options, AuditProjection(AuditStore(db)), dead_letters, probe=lambda: ping(db)
    )
    await runner.run()
