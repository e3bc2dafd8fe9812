"""The door's rules: every value a consumer could not apply is refused, naming the field."""

import copy
import re
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from services.interactions.domain.intake import (
    read_bytes,
    read_http_binary,
    read_object,
    read_record,
)
from services.interactions.domain.rejection import Rejected, Rejection
from shared.events import EventType
from shared.events.money import AMOUNT_MAX
from shared.events.text import DEFAULT_MAX_FUTURE_SKEW, door_context, free_text, single_line
from tests.unit.interactions import samples

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DOOR = door_context(DEFAULT_MAX_FUTURE_SKEW, now=NOW)


def sample(event_type: EventType) -> dict[str, Any]:
    """A fresh copy: the tests change nested fields."""
    return copy.deepcopy(samples.sample(event_type))


def purchase(**data: Any) -> dict[str, Any]:
    event = sample(EventType.PURCHASE)
    event["data"] = {**event["data"], **data}
    return event


def refused(obj: dict[str, Any]) -> Rejection:
    with pytest.raises(Rejected) as caught:
        read_object(obj, DOOR)
    return caught.value.rejection


def fields_of(rejection: Rejection) -> set[str]:
    return {e.field for e in rejection.errors}


@pytest.mark.parametrize(
    "time",
    [
        "0001-01-01T00:00:00+14:00",
        "1899-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
        "2200-01-01T00:00:00Z",
    ],
)
def test_a_time_outside_the_window_is_refused(time: str) -> None:
    rejection = refused({**sample(EventType.NOTE), "time": time})
    assert rejection.kind == "schema_violation"
    assert fields_of(rejection) == {"time"}


def test_a_time_further_in_the_future_than_the_skew_is_refused_at_the_door_only() -> None:
    later = (NOW + DEFAULT_MAX_FUTURE_SKEW + timedelta(seconds=1)).isoformat()
    event = {**sample(EventType.NOTE), "time": later}
    assert "future" in refused(event).errors[0].reason
    assert read_object(event).time.isoformat() == later  # a consumer re-reading it later


def test_the_edges_of_the_window_are_accepted() -> None:
    for time in ("1900-01-01T00:00:00Z", (NOW + DEFAULT_MAX_FUTURE_SKEW).isoformat()):
        assert read_object({**sample(EventType.NOTE), "time": time}, DOOR)


def test_a_deadline_may_lie_in_the_future_but_inside_the_window() -> None:
    event = sample(EventType.COMPLAINT_OPENED)
    event["data"]["sla_due_at"] = "2100-01-01T00:00:00Z"
    assert read_object(event, DOOR)
    event["data"]["sla_due_at"] = "9999-12-31T23:59:59-14:00"
    assert fields_of(refused(event)) == {"data.sla_due_at"}


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t"])
def test_a_control_character_in_a_single_line_field_is_refused(char: str) -> None:
    assert fields_of(refused(purchase(order_id=f"A{char}1"))) == {"data.order_id"}


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1f", "\x9b"])
def test_free_text_refuses_control_characters(char: str) -> None:
    event = sample(EventType.NOTE)
    event["data"]["text"] = f"first{char}second"
    assert fields_of(refused(event)) == {"data.text"}


def test_free_text_keeps_tabs_and_line_breaks() -> None:
    event = sample(EventType.NOTE)
    event["data"]["text"] = "first line\r\n\tsecond line"
    assert read_object(event, DOOR).data.text == "first line\r\n\tsecond line"  # type: ignore[union-attr]


def test_envelope_attributes_and_customer_identifiers_are_checked_too() -> None:
    assert fields_of(refused({**sample(EventType.NOTE), "source": "a\x00b"})) == {"source"}
    assert fields_of(refused({**sample(EventType.NOTE), "id": "x\x00"})) == {"id"}
    event = sample(EventType.NOTE)
    event["data"]["customer"] = {"external_ids": {"crm": "1\x002"}}
    assert fields_of(refused(event)) == {"data.customer.external_ids.crm"}


def test_a_lone_surrogate_is_refused() -> None:
    assert fields_of(refused(purchase(order_id="A\ud800"))) == {"data.order_id"}
    raw = orjson.dumps(purchase()).replace(b'"A-1001"', b'"A\\ud800"')
    assert read_rejection(raw).kind == "malformed_json"


def read_rejection(raw: bytes) -> Rejection:
    with pytest.raises(Rejected) as caught:
        read_bytes(raw, DOOR)
    return caught.value.rejection


def test_invalid_utf8_is_refused_in_the_body_and_in_binary_mode_headers() -> None:
    raw = orjson.dumps(purchase()).replace(b"A-1001", b"A-\xff\xfe")
    assert read_rejection(raw).kind == "malformed_json"
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"bin-1"),
        ("ce_source", b"adapters/\xff"),
        ("ce_type", EventType.NOTE.value.encode()),
        ("ce_time", b"2026-03-01T09:30:00Z"),
    ]
    body = orjson.dumps(sample(EventType.NOTE)["data"])
    with pytest.raises(Rejected) as caught:
        read_record(body, headers, DOOR)
    assert fields_of(caught.value.rejection) == {"source"}


def test_binary_mode_over_http_reads_headers_as_utf8() -> None:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": "bin-2",
        "ce-source": "adapters/تهران".encode().decode("latin-1"),  # as Starlette hands it over
        "ce-type": EventType.NOTE.value,
        "ce-time": "2026-03-01T09:30:00Z",
    }
    body = orjson.dumps(sample(EventType.NOTE)["data"])
    assert read_http_binary(headers, body, DOOR).source == "adapters/تهران"


@pytest.mark.parametrize("amount", [True, "100", 100.0, -1, AMOUNT_MAX + 1, 2**63, None])
def test_an_amount_is_a_strict_bounded_integer(amount: object) -> None:
    assert fields_of(refused(purchase(amount_minor=amount))) == {"data.amount_minor"}


def test_counts_and_scores_are_strict_integers() -> None:
    event = sample(EventType.SURVEY_RESPONSE)
    event["data"] = {"customer": event["data"]["customer"], "csat": True}
    assert fields_of(refused(event)) == {"data.csat"}
    event = sample(EventType.CALL)
    event["data"]["duration_seconds"] = "60"
    assert fields_of(refused(event)) == {"data.duration_seconds"}


def test_the_largest_amount_is_accepted() -> None:
    event = read_object(purchase(amount_minor=AMOUNT_MAX, items=[]), DOOR)
    assert event.data.amount_minor == AMOUNT_MAX  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1, "valid string"),
        (True, "valid string"),
        ({"a": 1}, "valid string"),
        ("x" * 1_001, "at most 1000"),
        ("a\x00b", "control character U+0000"),
    ],
)
def test_an_extension_attribute_is_a_short_single_line_string(value: object, reason: str) -> None:
    rejection = refused({**sample(EventType.NOTE), "traceparent": value})
    assert [(e.field, reason in e.reason) for e in rejection.errors] == [("traceparent", True)]


def test_a_short_extension_string_is_kept() -> None:
    event = read_object({**sample(EventType.NOTE), "partnerid": "p-7"}, DOOR)
    assert event.model_extra == {"partnerid": "p-7"}


def test_a_call_s_wrap_up_code_must_be_one_of_the_configured_list_at_the_door() -> None:
    call = sample(EventType.CALL)
    call["data"]["wrapup_code"] = "gossip"
    door = door_context(DEFAULT_MAX_FUTURE_SKEW, now=NOW, wrapup_codes=["sale", "billing"])
    with pytest.raises(Rejected) as caught:
        read_object(call, door)
    assert fields_of(caught.value.rejection) == {"data.wrapup_code"}
    call["data"]["wrapup_code"] = "billing"
    assert read_object(call, door).data.wrapup_code == "billing"  # type: ignore[union-attr]


def test_a_consumer_rereading_the_log_takes_any_wrap_up_code_the_list_once_had() -> None:
    call = sample(EventType.CALL)
    call["data"]["wrapup_code"] = "retired_code"
    assert read_object(call, DOOR).data.wrapup_code == "retired_code"  # type: ignore[union-attr]


def test_a_call_written_against_v1_is_read_as_v2_without_a_wrap_up_code() -> None:
    call = sample(EventType.CALL)
    call["data"].pop("wrapup_code", None)
    call["dataschema"] = "urn:c360:schema:c360.interaction.call:v1"
    read = read_object(call, DOOR)
    assert read.dataschema == "urn:c360:schema:c360.interaction.call:v2"
    assert read.data.wrapup_code is None  # type: ignore[union-attr]


def test_the_text_rules_refuse_exactly_unicodes_control_and_surrogate_code_points() -> None:
    """The rules are regex character classes; here they meet `unicodedata` on every code point:
    each control character and surrogate is refused, named, and all the others pass at once."""
    every = [chr(code) for code in range(sys.maxunicode + 1)]
    unsafe = {c for c in every if unicodedata.category(c) in {"Cc", "Cs"}}
    breaks = {"\t", "\n", "\r"}
    assert single_line("".join(c for c in every if c not in unsafe)) is not None
    assert free_text("".join(c for c in every if c not in unsafe or c in breaks)) is not None
    for char in sorted(unsafe):
        kind = "lone surrogate" if unicodedata.category(char) == "Cs" else "control character"
        message = re.escape(f"{kind} U+{ord(char):04X} at position 1")
        with pytest.raises(ValueError, match=message):
            single_line(f"a{char}b")
        if char not in breaks:
            with pytest.raises(ValueError, match=message):
                free_text(f"a{char}b")
