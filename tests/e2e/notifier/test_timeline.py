"""Notification outcomes reach the customer's timeline: notifier and projections, end to end.
A team's webhook answering is its delivery (sent, then delivered); an email stops at sent."""

import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import EventType
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import (
    contact_created,
    default_rules_for_tests,
    interaction,
    noon_timezone,
    notifier_process,
    publish,
)
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, eventually
from tests.processes import ServiceProcess, free_port, settings_env

pytestmark = pytest.mark.e2e


def projections(settings: Settings) -> tuple[ServiceProcess, ServiceProcess, str]:
    api_port, worker_port = free_port(), free_port()
    env = settings_env(
        settings, C360_PROJECTIONS_PORT=str(api_port), C360_PROJECTIONS_WORKER_PORT=str(worker_port)
    )
    worker = ServiceProcess(
        "services.projections.worker",
        env,
        ready_url=f"http://127.0.0.1:{worker_port}/readyz",
        name="projector",
    )
    api = ServiceProcess(
        "services.projections",
        env,
        ready_url=f"http://127.0.0.1:{api_port}/readyz",
        name="projections",
    )
    return worker, api, f"http://127.0.0.1:{api_port}"


async def test_sent_and_suppressed_notifications_appear_in_the_timeline(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    run = uuid.uuid4().hex[:6]
    reachable, unreachable = f"tl-{run}-a", f"tl-{run}-b"
    worker, api, api_url = projections(settings)
    rules = default_rules_for_tests(tmp_path)
    notifier = notifier_process(settings, rules, http, smtp, C360_PROJECTIONS_URL=api_url)
    processes = [notifier, worker, api]
    try:
        for process in processes:
            process.start()
        await publish(
            producer,
            catalog.contacts,
            contact_created(reachable, timezone=noon_timezone()),
            contact_created(unreachable, consent={}),
        )
        for customer in (reachable, unreachable):
            await publish(
                producer,
                catalog.interactions,
                interaction(
                    customer,
                    EventType.COMPLAINT_OPENED,
                    complaint_id="K-1",
                    severity="high",
                    subject="broken",
                ),
            )

        async def outcomes_in_timeline(customer: str, expected: int) -> list[dict[str, object]]:
            async with httpx.AsyncClient() as client:
                answer = await client.get(
                    f"{api_url}/v1/customers/{customer}/timeline",
                    params={"type": ["sent", "delivered", "failed", "suppressed"]},
                )
            items = answer.json().get("items", []) if answer.status_code == 200 else []
            return items if len(items) >= expected else []

        sent = await eventually(
            lambda: outcomes_in_timeline(reachable, 3), "two sent, one delivered", 180
        )
        suppressed = await eventually(
            lambda: outcomes_in_timeline(unreachable, 3), "alert delivered, ack suppressed", 180
        )
    finally:
        for process in processes:
            process.stop()

    stored = {d["_id"]: d async for d in db["notifier_notifications"].find({})}
    assert {(i["type"], i["data"]["rule"]) for i in sent} == {
        ("sent", "complaint-ack"),  # email: the mail server's acceptance is all we know
        ("sent", "complaint-high-severity"),
        ("delivered", "complaint-high-severity"),  # the team's webhook answered
    }
    assert {(i["type"], i["data"]["rule"]) for i in suppressed} == {
        ("suppressed", "complaint-ack"),
        ("sent", "complaint-high-severity"),
        ("delivered", "complaint-high-severity"),
    }
    for item in [*sent, *suppressed]:
        record = stored[item["data"]["notification_id"]]
        status = "sent" if item["type"] == "delivered" else item["type"]
        assert (record["customer_id"], record["status"]) == (item["customer_id"], status)
    delivered = [i for i in sent if i["type"] == "delivered"]
    assert delivered[0]["data"]["confirmed_by"] == "recipient"


async def test_an_sms_is_delivered_when_the_providers_receipt_says_so(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    """With a real provider (its answer only accepts the message) an SMS stays sent until the
    provider posts its delivery receipt; a receipt for an unknown notification is a 404."""
    customer = f"rc-{uuid.uuid4().hex[:6]}"
    worker, api, api_url = projections(settings)
    rules = default_rules_for_tests(tmp_path)
    notifier = notifier_process(
        settings, rules, http, smtp, C360_PROJECTIONS_URL=api_url,
        C360_SMS_DELIVERED_ON_ACCEPT="false",
    )  # fmt: skip
    admin = str(notifier.ready_url).removesuffix("/readyz")
    processes = [notifier, worker, api]

    async def outcomes(expected: int) -> list[dict[str, object]]:
        async with httpx.AsyncClient() as client:
            answer = await client.get(
                f"{api_url}/v1/customers/{customer}/timeline",
                params={"type": ["sent", "delivered"]},
            )
        items = answer.json().get("items", []) if answer.status_code == 200 else []
        return items if len(items) >= expected else []

    try:
        for process in processes:
            process.start()
        await publish(producer, catalog.contacts, contact_created(customer, preferred="sms"))
        complaint = interaction(
            customer, EventType.COMPLAINT_OPENED, complaint_id="K-9", severity="low", subject="late"
        )
        await publish(producer, catalog.interactions, complaint)
        (sent,) = await eventually(lambda: outcomes(1), "the acknowledgement sent", 180)
        assert (sent["type"], sent["data"]["channel"]) == ("sent", "sms")
        notification_id = sent["data"]["notification_id"]
        async with httpx.AsyncClient(base_url=admin) as client:
            unknown = await client.post(
                "/v1/notifications/nope/receipts", json={"status": "delivered"}
            )
            assert unknown.status_code == 404
            assert unknown.json()["errors"][0]["field"] == "notification_id"
            taken = await client.post(
                f"/v1/notifications/{notification_id}/receipts", json={"status": "delivered"}
            )
            assert taken.status_code == 202, taken.text
        both = await eventually(lambda: outcomes(2), "sent, then delivered", 180)
    finally:
        for process in processes:
            process.stop()

    assert [i["type"] for i in both] == ["delivered", "sent"]  # newest first
    assert both[0]["data"]["confirmed_by"] == "provider_receipt"
    assert both[0]["data"]["notification_id"] == notification_id
