"""The published AsyncAPI document matches the event models (regenerate with `make docs`) and
says everything a producer or consumer needs: servers, operations, Kafka bindings, both
CloudEvents modes, the dead-letter headers, and an example of every event that the contract
accepts."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

from services.interactions.bootstrap import build_app
from shared.asyncapi import build, render
from shared.events import EVENT_CLASSES, parse_event
from shared.settings import Settings
from shared.topics import CATALOG

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.json"
ENVELOPES = {"BinaryModeEvent", "DeadLetter", "FailedNotification"}


def test_committed_document_is_in_step_with_the_models() -> None:
    assert DOCUMENT.read_text() == render(), "docs/asyncapi.json is stale: run `make docs`"


def test_every_event_type_is_a_message_on_a_channel() -> None:
    document = build()
    on_channels = {
        ref["$ref"].rsplit("/", 1)[1]
        for channel in document["channels"].values()
        for ref in channel.get("messages", {}).values()
    }
    assert on_channels == {cls.__name__ for cls in EVENT_CLASSES.values()} | ENVELOPES
    assert json.loads(render()) == document


def test_every_topic_has_kafka_bindings_and_a_send_and_a_receive_operation() -> None:
    document = build()
    assert document["servers"]["local"]["protocol"] == "kafka"
    assert set(document["channels"]) == {spec.base_name for spec in CATALOG}
    for name, channel in document["channels"].items():
        assert channel["bindings"]["kafka"]["topic"] == name
        actions = {
            op["action"]
            for op in document["operations"].values()
            if op["channel"]["$ref"] == f"#/channels/{name}"
        }
        assert actions == {"send", "receive"}, name


def test_both_cloudevents_modes_and_the_dead_letter_headers_are_described() -> None:
    messages = build()["components"]["messages"]
    binary = messages["BinaryModeEvent"]["headers"]["required"]
    assert set(binary) == {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"}
    dead = messages["DeadLetter"]["headers"]["properties"]
    assert {"c360-error-kind", "c360-error-message", "c360-original-offset"} <= set(dead)


def test_every_example_is_an_event_the_contract_accepts() -> None:
    messages = build()["components"]["messages"]
    for name, message in messages.items():
        if name in ENVELOPES:
            continue
        (example,) = message["examples"]
        assert parse_event(example["payload"]).type.value == message["name"]


def test_the_document_is_served_over_http_without_sign_in() -> None:
    app = build_app(Settings(auth_enabled=True))
    answer = TestClient(app).get("/asyncapi.json")  # no lifespan: nothing connects
    assert answer.status_code == 200
    assert answer.json() == build()
