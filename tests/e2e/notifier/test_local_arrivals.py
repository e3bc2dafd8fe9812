"""On the local stack, notifications arrive somewhere a developer can see them: a complaint's
acknowledgement in Mailpit (read back through its API), the supervisors' alert in the sink.

The notifier runs with the shipped rules and the environment the stack gives it
(`deploy/local/stack/components.py`); the sink is a private instance on a free port."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from deploy.local.stack.components import sink_addresses
from deploy.local.stack.settings import HOST, StackSettings
from shared.events import EventType
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import (
    contact_created,
    default_rules_for_tests,
    interaction,
    noon_timezone,
    publish,
    running,
)
from tests.integration.local_stack.conftest import require
from tests.integration.notifier.receivers import eventually
from tests.processes import ServiceProcess, free_port, settings_env

pytestmark = pytest.mark.e2e


def sink_process(port: int) -> ServiceProcess:
    return ServiceProcess(
        "deploy.local.sink",
        {**settings_env(Settings()), "C360_SINK_PORT": str(port)},
        ready_url=f"http://{HOST}:{port}/healthz",
        name="sink",
    )


async def test_a_complaint_is_acknowledged_in_mailpit_and_alerts_the_supervisors_in_the_sink(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    stack = StackSettings()
    mailpit = require(f"http://{HOST}:{stack.mailpit_port}/api/v1/messages", "Mailpit")
    sink_port, notifier_port = free_port(), free_port()
    env = settings_env(
        settings,
        C360_NOTIFIER_PORT=str(notifier_port),
        C360_NOTIFIER_RULES_PATH=str(default_rules_for_tests(tmp_path)),
        C360_SMTP_HOST=HOST,
        C360_SMTP_PORT=str(stack.mailpit_smtp_port),
        C360_PROJECTIONS_URL=f"http://{HOST}:{free_port()}",
        **sink_addresses(sink_port),
    )
    notifier = ServiceProcess(
        "services.notifier", env, ready_url=f"http://{HOST}:{notifier_port}/readyz", name="notifier"
    )
    customer = f"arrive-{uuid.uuid4().hex[:8]}"
    complaint = f"K-{uuid.uuid4().hex[:6]}"
    with running(sink_process(sink_port)), running(notifier):
        await publish(
            producer, catalog.contacts, contact_created(customer, timezone=noon_timezone())
        )
        opened = interaction(
            customer,
            EventType.COMPLAINT_OPENED,
            complaint_id=complaint,
            severity="high",
            subject="broken kettle",
        )
        await publish(producer, catalog.interactions, opened)

        async def acknowledgement() -> list[dict[str, Any]]:
            async with httpx.AsyncClient(timeout=10) as client:
                answer = await client.get(mailpit, params={"limit": 200})
            messages: list[dict[str, Any]] = answer.json()["messages"]
            return [m for m in messages if m["To"][0]["Address"] == f"{customer}@example.com"]

        async def alert() -> list[dict[str, Any]]:
            async with httpx.AsyncClient(timeout=10) as client:
                answer = await client.get(f"http://{HOST}:{sink_port}/api/messages")
            arrivals: list[dict[str, Any]] = answer.json()["messages"]
            return [a for a in arrivals if a["body"].get("customer_id") == customer]

        mails = await eventually(acknowledgement, "the acknowledgement in Mailpit", 120)
        alerts = await eventually(alert, "the supervisors' alert in the sink", 120)

    assert [m["Subject"] for m in mails] == ["We received your complaint: broken kettle"]
    assert [(a["kind"], a["path"], a["body"]["rule"]) for a in alerts] == [
        ("webhook", "/webhooks/support", "complaint-high-severity")
    ]
    assert complaint in alerts[0]["body"]["body"]
