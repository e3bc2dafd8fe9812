"""The notification sink lists what arrived once per notification, keeps it across a restart,
and shows it on a page without letting a message's text become markup."""

from pathlib import Path

from fastapi.testclient import TestClient

from deploy.local.sink.app import create_app
from deploy.local.stack.components import sink_addresses, table
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import StackSettings


def test_a_redelivered_sms_is_listed_once_and_survives_a_restart(tmp_path: Path) -> None:
    journal = tmp_path / "arrivals.jsonl"
    sms = {"to": "+989121234567", "text": "<b>سلام</b>", "reference": "n-1"}
    with TestClient(create_app(journal)) as sink:
        first = sink.post("/sms", json=sms, headers={"Idempotency-Key": "n-1"}).json()
        again = sink.post("/sms", json=sms, headers={"Idempotency-Key": "n-1"}).json()
        alert = {"rule": "complaint-high-severity", "body": "K-1"}
        sink.post("/webhooks/support", json=alert, headers={"C360-Notification-Id": "n-2"})
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    with TestClient(create_app(journal)) as restarted:
        listed = restarted.get("/api/messages").json()["messages"]
        only_sms = restarted.get("/api/messages", params={"kind": "sms"}).json()["messages"]
        page = restarted.get("/").text
    assert [(m["kind"], m["path"], m["key"]) for m in listed] == [
        ("webhook", "/webhooks/support", "n-2"),
        ("sms", "/sms", "n-1"),
    ]
    assert [m["body"] for m in only_sms] == [sms]
    assert "&lt;b&gt;سلام&lt;/b&gt;" in page
    assert "<b>سلام" not in page


def test_the_stack_runs_the_sink_and_points_the_notifier_at_it() -> None:
    layout = Layout(StackSettings())
    rows = table(layout)
    assert rows["sink"].group == "infra"
    assert rows["sink"].port == 8026
    notifier = rows["notifier"].launch().env
    assert {k: notifier[k] for k in sink_addresses(8026)} == {
        "C360_SMS_URL": "http://127.0.0.1:8026/sms",
        "C360_SUPPORT_WEBHOOK": "http://127.0.0.1:8026/webhooks/support",
        "C360_ACCOUNT_MANAGERS_WEBHOOK": "http://127.0.0.1:8026/webhooks/account-managers",
    }
    assert notifier["C360_SMTP_PORT"] == "1025"
