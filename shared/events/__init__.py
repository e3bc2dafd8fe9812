"""The c360 event contract: CloudEvents 1.0 envelopes with typed, versioned payloads."""

from shared.events.analytics import *  # noqa: F403
from shared.events.calls import CallRinging, RingingData
from shared.events.cases import *  # noqa: F403
from shared.events.codec import (
    EVENT_CLASSES,
    STRUCTURED_HEADERS,
    Event,
    FieldError,
    InvalidEvent,
    decode_event,
    decode_kafka_record,
    encode_event,
    parse_event,
)
from shared.events.contacts import *  # noqa: F403
from shared.events.customer import *  # noqa: F403
from shared.events.envelope import Envelope, Payload, schema_uri
from shared.events.interactions import *  # noqa: F403
from shared.events.marketing import *  # noqa: F403
from shared.events.notifications import *  # noqa: F403
from shared.events.segments import *  # noqa: F403
from shared.events.types import (
    ANALYTICS_TYPES,
    CONTACT_TYPES,
    INTERACTION_TYPES,
    MARKETING_TYPES,
    NOTIFICATION_TYPES,
    SEGMENT_TYPES,
    EventType,
)

__all__ = [
    "ANALYTICS_TYPES",
    "CONTACT_TYPES",
    "EVENT_CLASSES",
    "INTERACTION_TYPES",
    "MARKETING_TYPES",
    "NOTIFICATION_TYPES",
    "SEGMENT_TYPES",
    "STRUCTURED_HEADERS",
    "CallRinging",
    "Envelope",
    "Event",
    "EventType",
    "FieldError",
    "InvalidEvent",
    "Payload",
    "RingingData",
    "decode_event",
    "decode_kafka_record",
    "encode_event",
    "parse_event",
    "schema_uri",
]
