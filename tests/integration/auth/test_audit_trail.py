"""Audit events queued by requests reach `c360.audit`, including those in hand at shutdown."""

import pytest

from shared.auth.audit import KafkaAuditTrail, decode_audit
from shared.events.audit import AccessData
from shared.kafka import make_consumer, make_producer
from shared.settings import Settings
from shared.topics import Topics

pytestmark = pytest.mark.integration


def access(n: int) -> AccessData:
    return AccessData(
        actor=f"agent-{n}",
        actor_subject="s",
        role="agent",
        action="customer.view",
        customer_ids=[f"c_{n}"],
        service="projections",
        method="GET",
        path=f"/v1/customers/c_{n}",
        status=200,
        client="127.0.0.1",
    )


async def test_a_stop_right_after_the_reads_loses_no_audit_event(
    settings: Settings, catalog: Topics
) -> None:
    trail = KafkaAuditTrail(lambda: make_producer(settings), catalog.audit, "services/test")
    await trail.start()
    for n in range(25):
        trail.record(access(n))
    await trail.stop()  # within the linger: everything is still in hand or queued

    consumer = make_consumer(settings, f"{settings.topic_prefix}check", catalog.audit)
    await consumer.start()
    try:
        seen: list[str] = []
        for _ in range(30):
            batch = await consumer.getmany(timeout_ms=1000)
            seen += [decode_audit(r.value or b"").data.actor for rs in batch.values() for r in rs]
            if len(seen) >= 25:
                break
    finally:
        await consumer.stop()
    assert sorted(seen) == sorted(f"agent-{n}" for n in range(25))
