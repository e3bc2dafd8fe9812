"""Evidence for docs/notifier.md: the same kill -9 scenario with Faust consuming instead of the
plain aiokafka worker. Not part of `make test` (the file name keeps it out of collection); run it
with `uv run pytest tests/fault/notifier/faust_evidence.py`."""

import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.domain.evaluation import notification_id
from shared.events import EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import interaction, publish
from tests.fault.notifier.test_crashes import EVERY_PURCHASE_TO_SUPPORT, PURCHASES, statuses
from tests.integration.notifier.receivers import HttpReceiver, eventually
from tests.processes import ServiceProcess, free_port, settings_env

pytestmark = pytest.mark.fault


async def test_faust_worker_under_kill9(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(EVERY_PURCHASE_TO_SUPPORT)
    http.delay_s = 0.3
    run = uuid.uuid4().hex[:6]
    events = [
        interaction(
            f"f9-{run}-{i}",
            EventType.PURCHASE,
            order_id=f"O-{i}",
            amount_minor=100 + i,
            currency="USD",
        )
        for i in range(PURCHASES)
    ]
    expected = {notification_id("every-purchase", e.id, e.source) for e in events}
    await publish(producer, catalog.interactions, *events)
    env = settings_env(
        settings,
        C360_NOTIFIER_RULES_PATH=str(rules),
        C360_SUPPORT_WEBHOOK=http.url("/support"),
        FAUST_WEB_PORT=str(free_port()),
    )
    env["PYTHONPATH"] = ":".join(sys.path)
    worker = ServiceProcess("tests.fault.notifier.faust_worker", env, name="notifier-faust")
    worker.start()
    try:

        async def some_sent() -> bool:
            return list((await statuses(db)).values()).count("sent") >= 3

        await eventually(some_sent, "the first deliveries", 120)
        worker.kill9()
        sent_before_kill = {i for i, s in (await statuses(db)).items() if s == "sent"}
        worker.start()

        async def all_sent() -> bool:
            found = await statuses(db)
            return set(found) == expected and set(found.values()) == {"sent"}

        await eventually(all_sent, f"every notification\n{worker.log_tail()}", 180)
    finally:
        worker.stop()
    received = Counter(r.notification_id for r in http.accepted())
    assert set(received) == expected
    assert all(received[i] == 1 for i in sent_before_kill)
