"""The published AsyncAPI document matches the event models (regenerate with `make docs`)."""

import json
from pathlib import Path

from shared.asyncapi import build, render
from shared.events import EVENT_CLASSES

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.json"


def test_committed_document_is_in_step_with_the_models() -> None:
    assert DOCUMENT.read_text() == render(), "docs/asyncapi.json is stale: run `make docs`"


def test_every_event_type_is_a_message_on_a_channel() -> None:
    document = build()
    on_channels = {
        ref["$ref"].rsplit("/", 1)[1]
        for channel in document["channels"].values()
        for ref in channel.get("messages", {}).values()
    }
    assert on_channels == {cls.__name__ for cls in EVENT_CLASSES.values()}
    assert json.loads(render()) == document
