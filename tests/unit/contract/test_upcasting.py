"""Old published schemas stay readable: an upcaster raises their data to the current version."""

import pytest

from shared.events import EVENT_CLASSES, EventType, parse_event
from shared.events.samples import SAMPLE_DATA
from shared.events.upcasting import _UPCASTERS, upcast_data, upcaster
from tests.factories import event_dict


def test_missing_upcaster_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match=r"no upcaster for c360\.interaction\.note v1 -> v2"):
        upcast_data(EventType.NOTE, {}, 1, 2)


def test_v1_note_is_upcast_when_the_model_moves_to_v2(monkeypatch: pytest.MonkeyPatch) -> None:
    note_class = EVENT_CLASSES[EventType.NOTE]
    monkeypatch.setattr(note_class, "schema_version", 2)
    # setitem makes monkeypatch remove the registration after the test; the decorator fills it.
    monkeypatch.setitem(_UPCASTERS, (EventType.NOTE, 1), lambda d: d)

    @upcaster(EventType.NOTE, 1)
    def body_became_text(data: dict[str, object]) -> dict[str, object]:
        data = dict(data)
        data["text"] = data.pop("body")
        return data

    v1 = {**SAMPLE_DATA[EventType.NOTE]}
    v1["body"] = v1.pop("text")
    event = parse_event(event_dict(EventType.NOTE, v1))  # no dataschema: written against v1
    assert event.data.text == SAMPLE_DATA[EventType.NOTE]["text"]  # type: ignore[union-attr]
    assert event.dataschema == "urn:c360:schema:c360.interaction.note:v2"


def test_a_v1_contact_created_reads_as_v2_without_acquisition() -> None:
    v1 = event_dict(EventType.CONTACT_CREATED, SAMPLE_DATA[EventType.CONTACT_CREATED])
    v1["dataschema"] = "urn:c360:schema:c360.contact.created:v1"
    event = parse_event(v1)
    assert event.dataschema == "urn:c360:schema:c360.contact.created:v2"
    assert event.data.acquisition is None  # type: ignore[union-attr]


def test_a_v2_contact_created_carries_its_acquisition() -> None:
    data = {
        **SAMPLE_DATA[EventType.CONTACT_CREATED],
        "acquisition": {"channel": "paid_search", "campaign": "spring", "source": "adapters/web"},
    }
    event = parse_event(event_dict(EventType.CONTACT_CREATED, data))
    assert event.data.acquisition.channel == "paid_search"  # type: ignore[union-attr]
    assert event.data.acquisition.campaign == "spring"  # type: ignore[union-attr]
