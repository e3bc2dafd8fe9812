"""The notifier's admin API on a running process: notifications, rules, validation, health."""

import os
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.notifier.adapters.rules_file import DEFAULT_RULES
from services.notifier.domain.routing import mask_url
from shared.events import EventType
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
from tests.unit.notifier.test_rules_file import BOMB

pytestmark = pytest.mark.e2e


async def test_admin_api(
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    customer = f"api-{uuid.uuid4().hex[:6]}"
    notifier = notifier_process(settings, default_rules_for_tests(tmp_path), http, smtp)
    base = str(notifier.ready_url).removesuffix("/readyz")
    notifier.start()
    try:
        await publish(
            producer, catalog.contacts, contact_created(customer, timezone=noon_timezone())
        )
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
        async with httpx.AsyncClient(base_url=base) as api:

            async def listed() -> list[dict[str, object]]:
                answer = await api.get("/v1/notifications", params={"customer_id": customer})
                items: list[dict[str, object]] = answer.json()["items"]
                return (
                    items if all(i["status"] == "sent" for i in items) and len(items) == 2 else []
                )

            items = await eventually(listed, "both notifications listed as sent")
            one = (await api.get(f"/v1/notifications/{items[0]['id']}")).json()
            missing = await api.get("/v1/notifications/nope")
            rules = (await api.get("/v1/rules")).json()
            broken = DEFAULT_RULES.read_text().replace("template: welcome,", "template: hello,")
            invalid = await api.post(
                "/v1/rules/validate", content=broken, headers={"content-type": "application/yaml"}
            )
            valid = await api.post(
                "/v1/rules/validate",
                content=DEFAULT_RULES.read_text(),
                headers={"content-type": "application/yaml"},
            )
            yaml = {"content-type": "application/yaml"}
            probing = await api.post(
                "/v1/rules/validate", content='rules: [{id: "${HOME}"}]', headers=yaml
            )
            bomb = await api.post("/v1/rules/validate", content=BOMB, headers=yaml)
            ready = await api.get("/readyz")
            metrics = (await api.get("/metrics")).text
    finally:
        notifier.stop()

    assert {i["rule"] for i in items} == {"complaint-ack", "complaint-high-severity"}
    assert {i["recipient"] for i in items} == {"a***@example.com", mask_url(http.url("/support"))}
    assert (one["id"], one["customer_id"]) == (items[0]["id"], customer)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["errors"] == [{"field": "notification_id", "reason": "not found"}]
    assert "password" not in rules["channels"]["email"]
    assert [r["id"] for r in rules["rules"]][:2] == ["complaint-ack", "complaint-high-severity"]
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == [
        {
            "field": "welcome-first-purchase:action.template",
            "reason": "no template 'hello' in `templates`",
        }
    ]
    assert valid.json()["valid"] is True
    assert probing.status_code == 422
    assert os.environ["HOME"] not in probing.text
    assert "${HOME}" in probing.text
    assert bomb.status_code == 422
    assert rules["teams"]["support"]["webhook"] == mask_url(http.url("/support"))
    assert "/support" not in str(rules["teams"])
    assert ready.json()["checks"] == {
        "kafka": "ok",
        "store": "ok",
        "worker": "ok",
        "consumer": "ok",
    }
    assert 'c360_notifier_notifications_total{channel="webhook"' in metrics
