"""Reading and writing events: JSON bytes or Kafka records in, typed frozen models out."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, get_args

import orjson
from pydantic import Field, TypeAdapter, ValidationError

from shared.events.analytics import AnalyticsEvent
from shared.events.audit import AccessAudited
from shared.events.calls import CallEvent
from shared.events.contacts import ContactEvent
from shared.events.envelope import CLOUDEVENTS_CONTENT_TYPE, Envelope, schema_uri, schema_version
from shared.events.interactions import InteractionEvent
from shared.events.marketing import MarketingEvent
from shared.events.notifications import NotificationEvent
from shared.events.segments import SegmentEvent
from shared.events.types import EventType
from shared.events.upcasting import upcast_data
from shared.privacy.sealing import SEALED, KeyLookup, open_sealed

Event = (
    InteractionEvent
    | ContactEvent
    | NotificationEvent
    | AnalyticsEvent
    | SegmentEvent
    | MarketingEvent
    | AccessAudited
    | CallEvent
)
MAX_EVENT_BYTES = 256 * 1024

EVENT_CLASSES: dict[EventType, type[Envelope]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls for cls in get_args(Event)
}
_adapter: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="type")])


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


@dataclass
class InvalidEvent(ValueError):
    """Why a record is not a valid c360 event. `kind` is stable and machine-readable."""

    # malformed_json | not_an_object | too_large | unknown_type | unsupported_version |
    # schema_violation
    kind: str
    message: str
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        details = "; ".join(f"{e.field}: {e.reason}" for e in self.errors)
        return f"{self.message} ({details})" if details else self.message


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(".".join(str(p) for p in err["loc"]) or "(event)", err["msg"])
        for err in exc.errors(include_url=False)
    ]


def parse_event(
    obj: Any, context: Mapping[str, Any] | None = None, keys: KeyLookup | None = None
) -> Event:
    """Validate one structured-mode CloudEvent (already JSON-decoded), upcasting old data.
    The door passes `shared.events.text.door_context` to refuse times in the future. Sealed
    personal fields are opened with `keys`; without the key the event reads anonymous."""
    if not isinstance(obj, Mapping):
        raise InvalidEvent("not_an_object", "a CloudEvent must be a JSON object")
    if SEALED in obj:
        obj = open_sealed(dict(obj), keys)
    raw_type = obj.get("type")
    try:
        event_type = EventType(str(raw_type))
    except ValueError:
        raise InvalidEvent(
            "unknown_type",
            f"unknown event type {raw_type!r}",
            [FieldError("type", f"{raw_type!r} is not in the c360 catalog")],
        ) from None
    current = EVENT_CLASSES[event_type].schema_version
    version = schema_version(obj.get("dataschema"))
    if version > current:
        raise InvalidEvent(
            "unsupported_version",
            f"{event_type.value} schema v{version} is newer than the supported v{current}",
            [FieldError("dataschema", f"supported up to v{current}")],
        )
    if version < current and isinstance(obj.get("data"), dict):
        obj = {**obj, "data": upcast_data(event_type, obj["data"], version, current)}
    obj = {**obj, "dataschema": schema_uri(event_type, current)}
    try:
        return _adapter.validate_python(obj, context=context)
    except ValidationError as exc:
        errors = [
            FieldError(e.field.removeprefix(f"{event_type.value}."), e.reason)
            for e in _field_errors(exc)
        ]
        raise InvalidEvent(
            "schema_violation", f"invalid {event_type.value} event", errors
        ) from None


def decode_json(raw: bytes | str) -> Any:
    """Decode JSON with the size limit and a precise reason on failure."""
    if len(raw) > MAX_EVENT_BYTES:
        raise InvalidEvent(
            "too_large", f"event is {len(raw)} bytes; the limit is {MAX_EVENT_BYTES}"
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent("malformed_json", f"not valid JSON: {exc}") from None


def decode_event(
    raw: bytes | str, context: Mapping[str, Any] | None = None, keys: KeyLookup | None = None
) -> Event:
    """Parse one structured-mode CloudEvent from JSON bytes."""
    return parse_event(decode_json(raw), context, keys)


def decode_kafka_record(
    value: bytes | None,
    headers: Iterable[tuple[str, bytes]],
    context: Mapping[str, Any] | None = None,
    keys: KeyLookup | None = None,
) -> Event:
    """A Kafka record in structured mode, or in binary mode (attributes in `ce_` headers)."""
    if value is None:
        raise InvalidEvent("malformed_json", "record has no value")
    attributes = {
        name[3:]: _header_text(name, raw)
        for name, raw in headers
        if name.startswith("ce_") and raw is not None
    }
    if "specversion" not in attributes:
        return decode_event(value, context, keys)
    return parse_event({**attributes, "data": decode_json(value)}, context, keys)


def _header_text(name: str, raw: bytes) -> str:
    """A `ce_` header as text; invalid UTF-8 is refused, never replaced silently."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEvent(
            "schema_violation",
            f"header {name} is not valid UTF-8",
            [FieldError(name[3:], f"invalid UTF-8 at byte {exc.start}")],
        ) from None


def encode_event(event: Envelope) -> bytes:
    """Structured-mode JSON bytes, the value of every record c360 produces."""
    return orjson.dumps(event.to_json_dict())


STRUCTURED_HEADERS = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
