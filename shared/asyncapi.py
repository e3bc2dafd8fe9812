"""The AsyncAPI 3.0 document of c360's topics, generated from the event models themselves.

`python -m shared.asyncapi > docs/asyncapi.json` (or `make docs`); a test keeps the committed file
in step with the models.
"""

import json
import sys
from typing import Any

from pydantic.json_schema import models_json_schema

from shared.events import EVENT_CLASSES, EventType
from shared.events.envelope import schema_uri
from shared.events.samples import SAMPLE_DATA
from shared.topics import (
    ANALYTICS,
    AUDIT,
    CALLS,
    CATALOG,
    CONTACTS,
    DEADLETTER,
    INGRESS,
    INTERACTIONS,
    MARKETING,
    NOTIFICATIONS,
    NOTIFICATIONS_FAILED,
    SEGMENTS,
    TopicSpec,
    topic_config,
)

DEFAULT_PARTITIONS = 12

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


def _string(description: str) -> dict[str, str]:
    return {"type": "string", "description": description}


STRUCTURED_HEADERS = {
    "type": "object",
    "properties": {"content-type": {"const": "application/cloudevents+json"}},
}
# CloudEvents Kafka binding, binary mode: attributes as `ce_` headers, `data` as the value.
BINARY_HEADERS = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"],
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": _string("the idempotency key, unique per event"),
        "ce_source": _string("who produced it, e.g. adapters/pbx-tehran"),
        "ce_type": _string("a c360.interaction.* or c360.marketing.* type"),
        "ce_time": _string("RFC 3339 with a timezone"),
        "ce_subject": _string("the c360 customer id, when known"),
        "ce_dataschema": _string("urn:c360:schema:<type>:v<N>; the newest when absent"),
        "content-type": {"const": "application/json"},
    },
}
DEAD_LETTER_HEADERS = {
    "type": "object",
    "properties": {
        "c360-consumer": _string("the consumer that could not apply the record"),
        "c360-error-kind": _string("stable reason, e.g. schema_violation, unknown_type"),
        "c360-error-message": _string("one line, no stack trace"),
        "c360-original-topic": _string("where the record was"),
        "c360-original-partition": _string("its partition (decimal)"),
        "c360-original-offset": _string("its offset (decimal)"),
        "c360-original-timestamp": _string("its timestamp, ms since the epoch (decimal)"),
        "c360-original-headers-dropped": _string("set when the original headers did not fit"),
        "c360-original-value-truncated": _string("size and sha256 when the value did not fit"),
    },
}
FAILED_NOTIFICATION_HEADERS = {
    "type": "object",
    "properties": {
        **DEAD_LETTER_HEADERS["properties"],  # type: ignore[dict-item]
        "c360-notification-id": _string("the notification that could not be delivered"),
    },
}
# Who sends to and who receives from each topic: the document's operations.
PRODUCERS = {
    INGRESS.base_name: "channel adapters (PBX, mail gateway, shop, ticketing, surveys)",
    INTERACTIONS.base_name: "the interactions service (HTTP and the ingress agent)",
    CONTACTS.base_name: "the contacts service",
    NOTIFICATIONS.base_name: "the notifier",
    ANALYTICS.base_name: "the analytics service",
    SEGMENTS.base_name: "the projections service",
    MARKETING.base_name: "the interactions service (marketing spend)",
    AUDIT.base_name: "every HTTP service",
    CALLS.base_name: "the interactions service (POST /v1/calls/ringing)",
    DEADLETTER.base_name: "every consumer, through the one batch runner",
    NOTIFICATIONS_FAILED.base_name: "the notifier",
}
CONSUMERS = {
    INGRESS.base_name: "the interactions ingress agent",
    INTERACTIONS.base_name: "projections, notifier, analytics, KPIs",
    CONTACTS.base_name: "projections, notifier, analytics, KPIs",
    NOTIFICATIONS.base_name: "projections (the customer's timeline)",
    ANALYTICS.base_name: "projections, KPIs",
    SEGMENTS.base_name: "the notifier (segment rules)",
    MARKETING.base_name: "KPIs (acquisition cost)",
    AUDIT.base_name: "projections (the audit collection)",
    CALLS.base_name: "every projections API process (screen pop)",
    DEADLETTER.base_name: "ops: c360 dlq list|show|replay",
    NOTIFICATIONS_FAILED.base_name: "ops",
}


def _example(event_type: EventType) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"example-{event_type.value}",
        "source": "adapters/example",
        "type": event_type.value,
        "time": "2026-03-20T10:30:00+03:30",
        "dataschema": schema_uri(event_type, EVENT_CLASSES[event_type].schema_version),
        "data": SAMPLE_DATA[event_type],
    }


def _kafka_channel(spec: TopicSpec, partitions: int) -> dict[str, Any]:
    config = topic_config(spec)
    return {
        "kafka": {
            "topic": spec.base_name,
            "partitions": partitions,
            "topicConfiguration": {
                "cleanup.policy": [config["cleanup.policy"]],
                "retention.ms": int(config["retention.ms"]),
            },
            "bindingVersion": "0.5.0",
        }
    }


def _messages(classes: list[tuple[EventType, type[Any]]]) -> dict[str, Any]:
    messages: dict[str, Any] = {
        _message_name(t): {
            "name": t.value,
            "title": _message_name(t),
            "contentType": "application/cloudevents+json",
            "headers": STRUCTURED_HEADERS,
            "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
            "bindings": {"kafka": {"key": _string("see the channel"), "bindingVersion": "0.5.0"}},
            "examples": [{"name": t.value, "payload": _example(t)}],
        }
        for t, cls in classes
    }
    call = SAMPLE_DATA[EventType.CALL]
    messages["BinaryModeEvent"] = {
        "name": "binary mode",
        "title": "Any ingress event in CloudEvents binary mode",
        "contentType": "application/json",
        "headers": BINARY_HEADERS,
        "payload": {"type": "object", "description": "the event's `data`"},
        "examples": [
            {
                "name": "a call",
                "headers": {
                    "ce_specversion": "1.0",
                    "ce_id": "pbx-8817",
                    "ce_source": "adapters/pbx-tehran",
                    "ce_type": "c360.interaction.call",
                    "ce_time": "2026-03-01T09:31:00+03:30",
                    "content-type": "application/json",
                },
                "payload": call,
            }
        ],
    }
    messages["DeadLetter"] = {
        "name": "dead letter",
        "title": "A record a consumer could not apply: the original key and bytes",
        "headers": DEAD_LETTER_HEADERS,
        "payload": {"description": "the original record's value, as it was"},
    }
    messages["FailedNotification"] = {
        "name": "failed notification",
        "title": "A notification whose delivery failed for good",
        "contentType": "application/json",
        "headers": FAILED_NOTIFICATION_HEADERS,
        "payload": {
            "type": "object",
            "description": "the notification record (JSON); its target, subject, body and error"
            " are sealed in `c360sealed` with the customer's data key",
        },
    }
    return messages


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/{kind}/{name}"}


def build(partitions: int = DEFAULT_PARTITIONS) -> dict[str, Any]:
    classes = sorted(EVENT_CLASSES.items())
    _, schemas = models_json_schema(
        [(cls, "validation") for _, cls in classes], ref_template="#/components/schemas/{model}"
    )
    by_family = {f: [t for t, _ in classes if t.family == f] for f in _FAMILY_TOPIC}
    names = {
        spec.base_name: [_message_name(t) for t in by_family[f]]
        for f, spec in _FAMILY_TOPIC.items()
    }
    names[INGRESS.base_name] = [
        *names[INTERACTIONS.base_name],
        *names[MARKETING.base_name],
        "BinaryModeEvent",
    ]
    names[DEADLETTER.base_name] = ["DeadLetter"]
    names[NOTIFICATIONS_FAILED.base_name] = ["FailedNotification"]
    specs = {spec.base_name: spec for spec in CATALOG}
    channels = {
        topic: {
            "address": topic,
            "description": f"{_DESCRIPTIONS[topic]} Key: {specs[topic].key}.",
            "messages": {n: _ref("components/messages", n) for n in messages},
            "bindings": _kafka_channel(specs[topic], partitions),
        }
        for topic, messages in names.items()
    }
    operations: dict[str, Any] = {}
    for topic, messages in names.items():
        refs = [_ref(f"channels/{topic}/messages", n) for n in messages]
        for action, who in (("send", PRODUCERS[topic]), ("receive", CONSUMERS[topic])):
            operations[f"{action}:{topic}"] = {
                "action": action,
                "channel": _ref("channels", topic),
                "summary": who,
                "messages": refs,
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "c360 events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 (structured JSON mode; the ingress also takes binary "
            "mode). `dataschema` names the payload schema and version: "
            "urn:c360:schema:<type>:v<N>. Producers use acks=all with idempotence.",
        },
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "the local stack's broker (KRaft, PLAINTEXT, no users yet); "
                "topics carry C360_TOPIC_PREFIX when one is set",
            }
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {
            "messages": dict(sorted(_messages(classes).items())),
            "schemas": schemas.get("$defs", {}),
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
