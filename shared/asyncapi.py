"""The AsyncAPI 3.0 document of c360's topics, generated from the event models themselves.

`python -m shared.asyncapi > docs/asyncapi.json` (or `make docs`); a test keeps the committed file
in step with the models.
"""

import json
import sys
from typing import Any

from pydantic.json_schema import models_json_schema

from shared.events import EVENT_CLASSES, EventType
from shared.topics import (
    ANALYTICS,
    AUDIT,
    CALLS,
    CONTACTS,
    DEADLETTER,
    INGRESS,
    INTERACTIONS,
    MARKETING,
    NOTIFICATIONS,
    NOTIFICATIONS_FAILED,
    SEGMENTS,
    TopicSpec,
)

_FAMILY_TOPIC = {
    "interaction": INTERACTIONS,
    "contact": CONTACTS,
    "notification": NOTIFICATIONS,
    "analytics": ANALYTICS,
    "segment": SEGMENTS,
    "marketing": MARKETING,
    "audit": AUDIT,
    "call": CALLS,
}

_DESCRIPTIONS = {
    INGRESS.base_name: "Raw adapter events in CloudEvents structured or binary (`ce_` headers) "
    "mode; validated and re-published to c360.interactions, rejects go to c360.deadletter.",
    INTERACTIONS.base_name: "Accepted touchpoints, ordered per customer.",
    CONTACTS.base_name: "Customer master-data changes (a merge is keyed by the survivor).",
    NOTIFICATIONS.base_name: "Notification outcomes.",
    AUDIT.base_name: "Who read or did what to whose data: every read of a person's data and "
    "every privileged action, published in batches by the service that served it.",
    CALLS.base_name: "A call is ringing for an agent (from the PBX adapter through "
    "`POST /v1/calls/ringing`): the agent's console opens the caller's card. Not a touchpoint; "
    "kept for an hour.",
    MARKETING.base_name: "Marketing spend per channel and campaign (no customer).",
    SEGMENTS.base_name: "A customer entered or left a segment (published by projections).",
    ANALYTICS.base_name: "Per-customer RFM and lifetime-value scores, one event when they change.",
    DEADLETTER.base_name: "Records a consumer could not apply: original key, bytes and headers; "
    "headers c360-original-topic, c360-original-partition, c360-original-offset, "
    "c360-original-timestamp, c360-consumer, c360-error-kind, c360-error-message. A copy that "
    "would exceed the broker's limit drops the original headers, then truncates the value, and "
    "says so in c360-original-headers-dropped / c360-original-value-truncated "
    "(size and sha256).",
    NOTIFICATIONS_FAILED.base_name: "Notifications whose delivery failed for good (the "
    "notification as JSON, header c360-notification-id); never replayed through the ingress.",
}


def _message_name(event_type: EventType) -> str:
    return EVENT_CLASSES[event_type].__name__


def build() -> dict[str, Any]:
    classes = sorted(EVENT_CLASSES.items())
    _, schemas = models_json_schema(
        [(cls, "validation") for _, cls in classes], ref_template="#/components/schemas/{model}"
    )
    messages = {
        _message_name(t): {
            "name": t.value,
            "title": _message_name(t),
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
        }
        for t, cls in classes
    }

    def channel(spec: TopicSpec, types: list[EventType]) -> dict[str, Any]:
        return {
            "address": spec.base_name,
            "description": f"{_DESCRIPTIONS[spec.base_name]} Key: {spec.key}.",
            "messages": {
                _message_name(t): {"$ref": f"#/components/messages/{_message_name(t)}"}
                for t in types
            },
        }

    by_family = {f: [t for t, _ in classes if t.family == f] for f in _FAMILY_TOPIC}
    channels = {spec.base_name: channel(spec, by_family[f]) for f, spec in _FAMILY_TOPIC.items()}
    channels[INGRESS.base_name] = channel(INGRESS, by_family["interaction"])
    for spec in (DEADLETTER, NOTIFICATIONS_FAILED):
        channels[spec.base_name] = {
            "address": spec.base_name,
            "description": _DESCRIPTIONS[spec.base_name],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "c360 events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 (structured JSON mode). `dataschema` names the "
            "payload schema and version: urn:c360:schema:<type>:v<N>.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": dict(sorted(channels.items())),
        "components": {"messages": messages, "schemas": schemas.get("$defs", {})},
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
