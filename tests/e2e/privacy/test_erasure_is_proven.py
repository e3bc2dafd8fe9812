"""The issue's proof, run as an operator would: customers with Persian and Latin names flow through
every service (views, timeline, a segment, a notification, a dead letter, a merge and its undoing);
the subject-access export (`GET /v1/contacts/{id}/export`, and `c360 export` which prints it)
before the erasure holds everything put in; after an erasure through the HTTP API alone, the
verify scan finds the person nowhere but in the bounded-retention copies of adapters' bytes, and
so do scans after a rebuild and after an attempt to replay the dead letter (refused, even forced);
the other customer's dead letter still replays and their data stays intact."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.service_layer.generations import rebuild
from shared.dead_letters import DeadLetter, read_all
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import default_rules_for_tests, notifier_process
from tests.e2e.notifier.harness import running as running_process
from tests.e2e.privacy.test_erasure_reaches_every_copy import touchpoint
from tests.integration.interactions.log import eventually
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, http, smtp
from tests.integration.ops.test_cli import c360
from tests.processes import free_port, running

pytestmark = pytest.mark.e2e
__all__ = ["http", "smtp"]  # the notifier's local receivers, as fixtures
WAIT = "timeout_ms=30000"
SARA = {
    "name": "سارا محمدی",
    "phones": ["0912 555 7788"],
    "emails": ["sara.mohammadi@example.com"],
    "external_ids": {"crm": "CRM-SARA-7781"},
}
TWIN = {"name": "Sara Mohammadi", "emails": ["sara.work@example.com"]}
ALI = {"name": "Ali Rezaei", "phones": ["0912 444 1122"], "emails": ["ali.rezaei@example.com"]}
NOTES = "مشتری از تاخیر ارسال ناراضی است"
COMPLAINT = "بسته آسیب دیده رسید"
ALI_NOTES = "Asked about the invoice"
SPENDERS = {
    "id": "spenders",
    "name": "Spent $10 or more",
    "rule": {"field": "kpis.total_spent.USD", "op": "gte", "value": 1_000},
}
SARA_EVERYTHING = [
    "سارا محمدی",
    "+989125557788",
    "sara.mohammadi@example.com",
    "CRM-SARA-7781",
    "sara.work@example.com",
    NOTES,
    COMPLAINT,
]


@pytest.fixture
def stack(
    settings: Settings, catalog: Topics, http: HttpReceiver, smtp: SmtpReceiver, tmp_path: Path
) -> Iterator[dict[str, str]]:
    notifier_port = free_port()  # the contacts service reads the notifier for exports
    notifier_url = f"http://127.0.0.1:{notifier_port}"
    services = ("contacts", "interactions", "projections", "worker")
    with running(settings, *services, C360_NOTIFIER_URL=notifier_url) as urls:
        notifier = notifier_process(
            settings,
            default_rules_for_tests(tmp_path),
            http,
            smtp,
            port=notifier_port,
            C360_PROJECTIONS_URL=urls["projections"],
            C360_CONTACTS_URL=urls["contacts"],
        )
        with running_process(notifier):
            yield {**urls, "notifier": notifier_url}


def cli_env(stack: dict[str, str]) -> dict[str, str]:
    return {
        "C360_CONTACTS_URL": stack["contacts"],
        "C360_PROJECTIONS_URL": stack["projections"],
        "C360_NOTIFIER_URL": stack["notifier"],
    }


async def populate(http: httpx.AsyncClient, stack: dict[str, str]) -> dict[str, str]:
    """Sara, her twin and Ali everywhere; the customers' ids by name."""
    contacts, ingest, api = stack["contacts"], stack["interactions"], stack["projections"]
    assert (await http.post(f"{api}/v1/segments", json=SPENDERS)).status_code == 201
    ids = {}
    for name, body in (("sara", SARA), ("twin", TWIN), ("ali", ALI)):
        created = await http.post(f"{contacts}/v1/contacts", json=body)
        assert created.status_code == 201, created.text
        ids[name] = created.json()["customer_id"]
    consent = {"channel": "email", "granted": True, "legal_basis": "consent"}
    answer = await http.put(f"{contacts}/v1/contacts/{ids['sara']}/consent", json=consent)
    assert answer.is_success, answer.text
    sara_events = [
        touchpoint("call", "+989125557788", call_data(NOTES)),
        touchpoint("purchase", "+989125557788", purchase_data("o-sara")),
        touchpoint("complaint.opened", "+989125557788", complaint_data()),
    ]
    ali_events = [
        touchpoint("call", "+989124441122", call_data(ALI_NOTES)),
        touchpoint("purchase", "+989124441122", purchase_data("o-ali")),
    ]
    for who, events in (("sara", sara_events), ("ali", ali_events)):
        for event in events:
            sent = await http.post(f"{ingest}/v1/events", json=event)
            assert sent.status_code == 202, sent.text
        view = await http.get(f"{api}/v1/customers/{ids[who]}?min_position={last(sent)}&{WAIT}")
        assert view.status_code == 200, view.text
    merge = {"survivor_id": ids["sara"], "merged_id": ids["twin"], "reason": "same person"}
    merged = await http.post(f"{contacts}/v1/contacts/merge", json=merge)
    assert merged.status_code == 200, merged.text
    undone = await http.post(
        f"{contacts}/v1/contacts/{ids['twin']}/unmerge", json={"reason": "two people"}
    )
    assert undone.status_code == 200, undone.text
    return ids


def last(answer: httpx.Response) -> str:
    return str(answer.json()["position"])


def call_data(notes: str) -> dict[str, Any]:
    return {"direction": "inbound", "duration_seconds": 60, "notes": notes}


def purchase_data(order: str) -> dict[str, Any]:
    return {"order_id": order, "amount_minor": 4200, "currency": "USD"}


def complaint_data() -> dict[str, Any]:
    return {"complaint_id": "K-7", "severity": "high", "subject": COMPLAINT}


async def dead_letters_of_sara_and_ali(producer: AIOKafkaProducer, catalog: Topics) -> None:
    """Adapters' broken purchases (no currency) naming Sara and Ali: refused at ingress, kept in
    clear."""
    for phone, notes in (("0912 555 7788", NOTES), ("0912 444 1122", ALI_NOTES)):
        broken = touchpoint("purchase", phone, {"order_id": "o-bad", "amount_minor": 1})
        broken["data"]["notes"] = notes
        await producer.send_and_wait(catalog.ingress, orjson.dumps(broken), key=b"pbx-1")


async def test_erasure_is_proven_by_the_verify_scan_after_rebuild_and_replay(
    stack: dict[str, str],
    settings: Settings,
    catalog: Topics,
    producer: AIOKafkaProducer,
    db: AsyncDatabase[Document],
    tmp_path: Path,
) -> None:
    env = cli_env(stack)
    async with httpx.AsyncClient(timeout=60) as http:
        ids = await populate(http, stack)
        await dead_letters_of_sara_and_ali(producer, catalog)

        async def both_letters() -> list[DeadLetter]:
            letters = await read_all(settings)
            return letters if len(letters) == 2 else []

        letters = await eventually(both_letters, "Sara's and Ali's dead letters")
        letter, ali_letter = sorted(letters, key=lambda d: b"0912 444 1122" in d.raw)

        async def notified() -> list[Any]:
            listed = await http.get(
                f"{stack['notifier']}/v1/notifications", params={"customer_id": ids["sara"]}
            )
            return list(listed.json()["items"])

        await eventually(notified, "the complaint alert about Sara")

        async def in_segment() -> bool:
            view = (await http.get(f"{stack['projections']}/v1/customers/{ids['sara']}")).json()
            return "spenders" in view["segments"]

        await eventually(in_segment, "Sara in the spenders segment")

        answer = await http.get(f"{stack['contacts']}/v1/contacts/{ids['sara']}/export")
        assert answer.status_code == 200, answer.text
        assert_export_holds_everything(answer.json(), ids)

    code, exported = await c360(settings, "export", ids["sara"], **env)
    assert code == 0, exported
    export = orjson.loads(exported)
    assert_export_holds_everything(export, ids)  # the CLI prints what the route answers
    saved = tmp_path / "sara-export.json"
    saved.write_bytes(exported.encode())

    code, output = await c360(
        settings, "erase", "--customer", ids["twin"], "--reason", "art. 17", **env
    )
    assert code == 0, output
    assert "withheld from replay:" in output
    assert f"({catalog.ingress}, {catalog.deadletter}) expire by" in output

    async with httpx.AsyncClient(timeout=60) as http:  # erased through the API alone
        erased = await http.delete(
            f"{stack['contacts']}/v1/contacts/{ids['sara']}", params={"reason": "art. 17"}
        )
    assert erased.status_code == 200, erased.text
    answer = erased.json()
    assert answer["erased"] is True
    assert answer["withheld_dead_letters"] == 1  # Sara's, not Ali's
    assert answer["plaintext_topics"] == [catalog.ingress, catalog.deadletter]
    assert answer["plaintext_expires_at"] > datetime.now(UTC).isoformat()
    code, output = await c360(
        settings, "verify-erasure", ids["sara"], "--from-export", str(saved), "--settle", "120"
    )
    assert_only_bounded_copies_remain(code, output, catalog)
    print("FIGURES", *[line for line in output.splitlines() if line.startswith("scanned")])
    records = int(re.search(r"(\d+) records", output).group(1))  # type: ignore[union-attr]
    assert records > 10

    await rebuild(settings, db, producer)
    code, output = await c360(settings, "verify-erasure", ids["sara"], "--from-export", str(saved))
    assert_only_bounded_copies_remain(code, output, catalog)

    code, replayed = await c360(settings, "dlq", "replay", letter.ref, "--force")
    assert f"refused: holds erased customer {ids['sara']}" in replayed, replayed
    code, replayed = await c360(settings, "dlq", "replay", ali_letter.ref)
    assert f"{ali_letter.ref}: sent to {catalog.ingress}" in replayed, replayed
    code, output = await c360(settings, "verify-erasure", ids["sara"], "--from-export", str(saved))
    assert_only_bounded_copies_remain(code, output, catalog)

    code, output = await c360(
        settings, "verify-erasure", ids["ali"], "--text", "Ali Rezaei", "--text", ALI_NOTES
    )
    assert code == 1, output  # the scan sees live data: Ali is everywhere, intact
    assert "FOUND" in output


def assert_export_holds_everything(export: dict[str, Any], ids: dict[str, str]) -> None:
    text = orjson.dumps(export).decode()
    missing = [value for value in SARA_EVERYTHING if value not in text]
    assert missing == []
    assert export["contact"]["name"] == SARA["name"]
    assert [c["data"]["consent"]["legal_basis"] for c in export["consent_history"]] == ["consent"]
    kinds = {item["type"] for item in export["timeline"]}
    assert {"call", "purchase", "complaint.opened"} <= kinds
    assert export["segment_memberships"] == ["spenders"]
    assert "complaint-high-severity" in [n["rule"] for n in export["notifications"]]
    assert isinstance(export["accesses"], list)
    assert ids["twin"] in text  # the merge and its undoing are in the contact's events


def assert_only_bounded_copies_remain(code: int, output: str, catalog: Topics) -> None:
    assert code == 3, output  # found only where adapters' bytes expire
    assert "FOUND" not in output
    bounded = re.findall(r"in clear until [\d-]+ [\d:]+ UTC: (\S+)", output)
    assert bounded, output
    assert set(bounded) <= {catalog.ingress, catalog.deadletter}
