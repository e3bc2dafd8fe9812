"""The event contract: every catalog type round-trips; bad envelopes fail with a precise reason."""

import orjson
import pytest

from shared.events import (
    EVENT_CLASSES,
    EventType,
    InvalidEvent,
    decode_event,
    decode_kafka_record,
    encode_event,
)
from shared.events.codec import MAX_EVENT_BYTES
from shared.events.samples import SAMPLE_DATA
from tests.factories import event_dict


def test_every_catalog_type_has_a_model_and_a_sample() -> None:
    assert set(EVENT_CLASSES) == set(EventType)
    assert set(SAMPLE_DATA) == set(EventType)


@pytest.mark.parametrize("event_type", list(EventType))
def test_round_trips_through_json(event_type: EventType) -> None:
    original = decode_event(orjson.dumps(event_dict(event_type, SAMPLE_DATA[event_type])))
    again = decode_event(encode_event(original))
    assert again == original
    assert type(again) is EVENT_CLASSES[event_type]
    version = EVENT_CLASSES[event_type].schema_version
    assert again.dataschema == f"urn:c360:schema:{event_type.value}:v{version}"


def test_text_in_any_script_is_kept_intact() -> None:
    event = decode_event(orjson.dumps(event_dict(EventType.SMS, SAMPLE_DATA[EventType.SMS])))
    assert event.data.text == "کد شما ۱۲۳"  # type: ignore[union-attr]
    assert "کد شما ۱۲۳".encode() in encode_event(event)


def reason_of(raw: bytes) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        decode_event(raw)
    return caught.value


def test_malformed_json_is_rejected() -> None:
    assert reason_of(b'{"id": ').kind == "malformed_json"


def test_non_object_is_rejected() -> None:
    assert reason_of(b"[1, 2]").kind == "not_an_object"


def test_unknown_type_names_the_type() -> None:
    error = reason_of(orjson.dumps(event_dict(EventType.NOTE, {}) | {"type": "c360.bogus"}))
    assert error.kind == "unknown_type"
    assert [(e.field, "c360.bogus" in e.reason) for e in error.errors] == [("type", True)]


def test_oversized_event_is_rejected() -> None:
    assert reason_of(b" " * (MAX_EVENT_BYTES + 1)).kind == "too_large"


def test_time_without_timezone_is_rejected() -> None:
    raw = event_dict(EventType.NOTE, SAMPLE_DATA[EventType.NOTE], time="2026-03-20T10:30:00")
    error = reason_of(orjson.dumps(raw))
    assert error.kind == "schema_violation"
    assert [e.field for e in error.errors] == ["time"]


def test_every_invalid_field_is_listed() -> None:
    data = {"customer": {}, "order_id": "", "amount_minor": -1, "currency": "XXX"}
    error = reason_of(orjson.dumps(event_dict(EventType.PURCHASE, data)))
    assert {e.field for e in error.errors} == {
        "data.customer",
        "data.order_id",
        "data.amount_minor",
        "data.currency",
    }


def test_missing_envelope_attributes_are_named() -> None:
    raw = {"type": EventType.NOTE.value, "data": SAMPLE_DATA[EventType.NOTE]}
    assert {e.field for e in reason_of(orjson.dumps(raw)).errors} == {"id", "source", "time"}


def test_survey_needs_a_score() -> None:
    error = reason_of(
        orjson.dumps(event_dict(EventType.SURVEY_RESPONSE, {"customer": {"email": "a@b.c"}}))
    )
    assert "csat" in str(error)


def test_newer_schema_version_is_rejected_not_guessed() -> None:
    raw = event_dict(
        EventType.NOTE,
        SAMPLE_DATA[EventType.NOTE],
        dataschema="urn:c360:schema:c360.interaction.note:v9",
    )
    assert reason_of(orjson.dumps(raw)).kind == "unsupported_version"


def test_bad_extension_attribute_is_rejected() -> None:
    raw = event_dict(EventType.NOTE, SAMPLE_DATA[EventType.NOTE], **{"Bad-Name": "x"})
    assert "Bad-Name" in str(reason_of(orjson.dumps(raw)))


def test_binary_mode_record_reads_attributes_from_headers() -> None:
    structured = event_dict(EventType.NOTE, SAMPLE_DATA[EventType.NOTE])
    headers = [(f"ce_{k}", str(v).encode()) for k, v in structured.items() if k != "data"]
    event = decode_kafka_record(orjson.dumps(structured["data"]), headers)
    assert event.id == structured["id"]
    assert event.type == EventType.NOTE


def test_structured_mode_record_ignores_unrelated_headers() -> None:
    structured = event_dict(EventType.NOTE, SAMPLE_DATA[EventType.NOTE])
    event = decode_kafka_record(orjson.dumps(structured), [("traceparent", b"00-abc")])
    assert event.id == structured["id"]
