"""Reading touchpoints: the whole catalog, every script intact, and a precise reason otherwise."""

from collections.abc import Callable
from typing import Any, TypeVar

import orjson
import pytest

from services.interactions.domain.intake import (
    MAX_EVENT_BYTES,
    read_bytes,
    read_http_binary,
    read_object,
    read_record,
)
from services.interactions.domain.rejection import Rejected, Rejection
from shared.events import INTERACTION_TYPES, EventType, encode_event
from shared.events.interactions import (
    CallData,
    ChatData,
    ComplaintOpenedData,
    PurchaseData,
    SurveyResponseData,
)
from tests.unit.interactions.samples import ARABIC, EMOJI, PERSIAN, every_interaction, note, sample

D = TypeVar("D")


def data_of(raw: dict[str, Any], kind: type[D]) -> D:
    data = read_object(raw).data
    assert isinstance(data, kind)
    return data


def rejection_of(read: Callable[..., object], *args: object) -> Rejection:
    with pytest.raises(Rejected) as caught:
        read(*args)
    return caught.value.rejection


def test_every_interaction_type_reads_from_json_bytes() -> None:
    events = [read_bytes(orjson.dumps(e)) for e in every_interaction()]
    assert {e.type for e in events} == INTERACTION_TYPES


def test_text_in_any_script_survives_a_round_trip_byte_for_byte() -> None:
    for raw in every_interaction():
        event = read_bytes(orjson.dumps(raw))
        again = read_bytes(encode_event(event))
        assert again == event
    assert data_of(sample(EventType.CALL), CallData).notes == PERSIAN
    assert data_of(sample(EventType.SURVEY_RESPONSE), SurveyResponseData).comment == ARABIC
    assert data_of(sample(EventType.CHAT), ChatData).transcript_preview == EMOJI


def test_real_fields_of_the_catalog_are_typed() -> None:
    purchase = data_of(sample(EventType.PURCHASE), PurchaseData)
    assert (purchase.amount_minor, purchase.currency, purchase.items[0].quantity) == (
        2933,
        "USD",
        2,
    )
    survey = data_of(sample(EventType.SURVEY_RESPONSE), SurveyResponseData)
    assert (survey.csat, survey.nps) == (5, 10)
    complaint = data_of(sample(EventType.COMPLAINT_OPENED), ComplaintOpenedData)
    assert complaint.severity == "high"
    assert complaint.sla_due_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": "2026-03-01T09:30:00"}, "time"),
        ({"data": {**note()["data"], "text": ""}}, "data.text"),
        ({"data": {"customer": {}, "text": "x"}}, "data.customer"),
    ],
)
def test_schema_violations_name_the_field(change: dict[str, Any], field: str) -> None:
    rejection = rejection_of(read_object, note(**change))
    assert rejection.kind == "schema_violation"
    assert rejection.status == 422
    assert field in [e.field for e in rejection.errors]


def test_every_invalid_field_is_listed_at_once() -> None:
    bad = sample(
        EventType.PURCHASE,
        time="yesterday",
        data={
            "customer": {"email": "a@b.c"},
            "order_id": "",
            "amount_minor": -1,
            "currency": "usd",
        },
    )
    fields = {e.field for e in rejection_of(read_object, bad).errors}
    assert {"time", "data.order_id", "data.amount_minor", "data.currency"} <= fields


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"csat": 6}, "data.csat"),
        ({"nps": 11}, "data.nps"),
        ({"csat": 0}, "data.csat"),
        ({}, "data"),
    ],
)
def test_survey_scores_are_bounded(data: dict[str, Any], field: str) -> None:
    event = sample(EventType.SURVEY_RESPONSE, data={"customer": {"phone": "09121234567"}, **data})
    rejection = rejection_of(read_object, event)
    assert any(e.field.startswith(field) for e in rejection.errors), rejection.errors


def test_unknown_type_is_named() -> None:
    rejection = rejection_of(read_object, note(type="c360.interaction.fax"))
    assert rejection.kind == "unknown_type"
    assert rejection.status == 422
    assert "c360.interaction.fax" in rejection.message


def test_contact_events_are_not_interactions() -> None:
    event = {**note(), "type": "c360.contact.erased", "data": {"customer_id": "c1", "reason": "x"}}
    rejection = rejection_of(read_object, event)
    assert rejection.kind == "not_an_interaction"
    assert rejection.event_id == event["id"]


def test_oversized_events_are_refused_with_413() -> None:
    big = note(text="x" * 9_000)
    big["data"]["padding"] = "y" * MAX_EVENT_BYTES
    assert rejection_of(read_object, big).status == 413
    assert rejection_of(read_bytes, orjson.dumps(big)).kind == "too_large"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "not_an_object"),
        (b"\xff\xfe", "malformed_json"),
    ],
)
def test_bytes_that_are_no_event(raw: bytes, kind: str) -> None:
    assert rejection_of(read_bytes, raw).kind == kind


def test_kafka_binary_mode_reads_attributes_from_ce_headers() -> None:
    event = note()
    headers = [(f"ce_{k}", str(v).encode()) for k, v in event.items() if k != "data"]
    read = read_record(orjson.dumps(event["data"]), headers)
    assert read == read_object(event)


def test_kafka_record_without_value_is_rejected() -> None:
    assert rejection_of(read_record, None, []).kind == "malformed_json"


def test_http_binary_mode_reads_ce_dash_headers() -> None:
    event = note()
    headers = {f"ce-{k}": str(v) for k, v in event.items() if k != "data"}
    assert read_http_binary(headers, orjson.dumps(event["data"])) == read_object(event)
