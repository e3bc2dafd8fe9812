"""The request body of `/v1/events` in the OpenAPI document is the union of the event types the
door takes, chosen by `type`, with an example of each that the door itself accepts."""

from datetime import UTC, datetime, timedelta

from services.interactions.bootstrap import build_app
from services.interactions.domain.intake import read_object
from services.interactions.entrypoints.examples import EXAMPLES, INTAKE_TYPES
from shared.events.text import door_context
from shared.settings import Settings

DOOR = door_context(timedelta(minutes=15), now=datetime(2026, 6, 1, tzinfo=UTC))


def test_every_type_the_door_takes_has_a_schema_and_an_accepted_example() -> None:
    document = build_app(Settings(auth_enabled=False)).openapi()
    schemas = document["components"]["schemas"]
    for path in ("/v1/events", "/v1/events/batch"):
        content = document["paths"][path]["post"]["requestBody"]["content"]
        body = content[
            "application/cloudevents+json" if path == "/v1/events" else "application/json"
        ]
        union = body["schema"] if path == "/v1/events" else body["schema"]["items"]
        mapping = union["discriminator"]["mapping"]
        assert set(mapping) == {t.value for t in INTAKE_TYPES}
        assert {ref["$ref"] for ref in union["oneOf"]} == set(mapping.values())
        assert all(ref.rsplit("/", 1)[1] in schemas for ref in mapping.values())
    examples = document["paths"]["/v1/events"]["post"]["requestBody"]["content"][
        "application/cloudevents+json"
    ]["examples"]
    assert set(examples) == {t.value for t in INTAKE_TYPES}
    for event_type in INTAKE_TYPES:
        accepted = read_object(EXAMPLES[event_type], DOOR)
        assert accepted.type == event_type
    assert len({e["id"] for e in EXAMPLES.values()}) == len(EXAMPLES)


def test_the_ringing_endpoint_names_its_event_model() -> None:
    document = build_app(Settings(auth_enabled=False)).openapi()
    body = document["paths"]["/v1/calls/ringing"]["post"]["requestBody"]["content"]
    assert body["application/cloudevents+json"]["schema"] == {
        "$ref": "#/components/schemas/CallRinging"
    }
    assert "CallRinging" in document["components"]["schemas"]
