"""Reading touchpoints: JSON bytes, decoded objects or Kafka records in, interaction events out.

Every failure becomes `Rejected` with a stable kind; nothing else escapes, so a poison record can
never surface as an unexpected exception in a reader loop.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

import orjson

from services.interactions.domain.acceptance import Intake
from services.interactions.domain.rejection import Rejected, Rejection
from shared.events import (
    INTERACTION_TYPES,
    MARKETING_TYPES,
    Event,
    FieldError,
    InvalidEvent,
    decode_event,
    decode_kafka_record,
    parse_event,
)
from shared.events.codec import MAX_EVENT_BYTES

__all__ = ["MAX_EVENT_BYTES", "read_bytes", "read_http_binary", "read_object", "read_record"]


def _is_intake(event: Event) -> TypeGuard[Intake]:
    return event.type in INTERACTION_TYPES | MARKETING_TYPES


def _read(parse: Callable[[], Event], event_id: str | None) -> Intake:
    try:
        event = parse()
    except InvalidEvent as invalid:
        raise Rejected(Rejection.of(invalid, event_id)) from None
    except Exception as exc:  # classify anything unforeseen rather than let it escape
        raise Rejected(Rejection("unreadable", f"{type(exc).__name__}: {exc}"[:500])) from None
    if not _is_intake(event):
        raise Rejected(
            Rejection(
                "not_an_interaction",
                f"{event.type.value} is not an interaction type; contact changes go through "
                "the contacts API",
                (
                    FieldError(
                        "type",
                        f"expected c360.interaction.* or c360.marketing.*, got {event.type.value}",
                    ),
                ),
                event.id,
            )
        )
    return event


def _claimed_id(obj: Any) -> str | None:
    """The `id` a rejected event claims, so the answer can name it."""
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), str):
        return str(obj["id"])[:200]
    return None


def _id_in(raw: bytes) -> str | None:
    if len(raw) > MAX_EVENT_BYTES:
        return None
    try:
        return _claimed_id(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return None


# Every reader takes the door's validation context (`shared.events.text.door_context`).
Context = Mapping[str, Any] | None


def read_object(obj: Any, context: Context = None) -> Intake:
    """One structured-mode CloudEvent already decoded from JSON (an item of a batch)."""
    try:
        size = len(orjson.dumps(obj))
    except TypeError:
        size = 0  # not JSON-serialisable cannot happen for decoded JSON; parse_event will say
    if size > MAX_EVENT_BYTES:
        message = f"event is {size} bytes; the limit is {MAX_EVENT_BYTES}"
        raise Rejected(Rejection("too_large", message, event_id=_claimed_id(obj)))
    return _read(lambda: parse_event(obj, context), _claimed_id(obj))


def read_bytes(raw: bytes, context: Context = None) -> Intake:
    """One structured-mode CloudEvent as JSON bytes (an HTTP body)."""
    return _read(lambda: decode_event(raw, context), _id_in(raw))


def read_record(
    value: bytes | None, headers: Iterable[tuple[str, bytes]], context: Context = None
) -> Intake:
    """A Kafka record in structured mode, or binary mode (attributes in `ce_` headers)."""
    return _read(lambda: decode_kafka_record(value, list(headers), context), None)


def read_http_binary(headers: Mapping[str, str], body: bytes, context: Context = None) -> Intake:
    """CloudEvents HTTP binary mode: attributes in `ce-*` headers, `data` as the body."""
    attributes = [
        # Starlette decodes headers as Latin-1: recover the bytes sent, then read them as UTF-8.
        (f"ce_{name.lower()[3:]}", value.encode("latin-1"))
        for name, value in headers.items()
        if name.lower().startswith("ce-")
    ]
    event_id = headers.get("ce-id")
    return _read(lambda: decode_kafka_record(body, attributes, context), event_id)
