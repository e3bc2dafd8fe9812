"""Folds `c360.audit` into the `audit` collection; a batch handler for the one batch runner."""

from collections.abc import Sequence

from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.audit_store import AuditStore
from services.projections.adapters.consumer import ProjectionConsumer
from services.projections.domain.audit import audit_document
from shared.auth.audit import decode_audit
from shared.logging import get_logger
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics

log = get_logger(__name__)


class AuditProjection:
    def __init__(self, store: AuditStore) -> None:
        self.store = store

    async def handle(self, records: Sequence["ConsumerRecord[bytes, bytes]"]) -> None:
        documents = []
        for record in records:
            try:
                documents.append(audit_document(decode_audit(record.value or b"")))
            except (ValidationError, ValueError) as exc:
                # only our services write this topic; a record we cannot read is logged, not
                # retried for ever (the runner's dead letter takes it once it lands)
                log.error("unreadable audit record", offset=record.offset, error=str(exc)[:300])
        await self.store.save(documents)


async def run_audit_projection(settings: Settings, db: AsyncDatabase[Document]) -> None:
    """`c360.audit` into the `audit` collection, for ever (runs beside the view worker)."""
    consumer = ProjectionConsumer(
        settings,
        f"{settings.topic_prefix}c360-audit-projection",
        [Topics.from_settings(settings).audit],
        AuditProjection(AuditStore(db)).handle,
    )
    await consumer.run(_for_ever)


async def _for_ever() -> bool:
    return True
