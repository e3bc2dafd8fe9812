"""Personal fields are sealed with the customer's key, open with it, and read anonymous without
it; every event of the catalog still validates either way (an erased event is never poison)."""

import orjson
import pytest

from shared.events import EventType, decode_event, parse_event
from shared.events.samples import SAMPLE_DATA
from shared.privacy.personal import ERASED_TEXT, PERSONAL_FIELDS
from shared.privacy.sealing import SEALED, new_data_key, open_sealed, seal
from tests.factories import event_dict

KEY = new_data_key()
PERSONAL_TEXTS = ["+989121234567", "Sara@Example.com", "سارا محمدی", "sara@example.com", "کد شما"]


def sample(event_type: EventType) -> dict[str, object]:
    return event_dict(event_type, SAMPLE_DATA[event_type], subject="c_1")


def raw_text(document: dict[str, object]) -> str:
    return orjson.dumps(document).decode()


@pytest.mark.parametrize("event_type", list(SAMPLE_DATA))
def test_sealed_then_opened_is_the_same_event(event_type: EventType) -> None:
    document = sample(event_type)
    sealed = seal(document, KEY)
    assert decode_event(
        orjson.dumps(sealed), keys=lambda kid: KEY if kid == "c_1" else None
    ) == parse_event(document)


@pytest.mark.parametrize("event_type", list(PERSONAL_FIELDS))
def test_sealed_events_hold_no_personal_text(event_type: EventType) -> None:
    sealed = seal(sample(event_type), KEY)
    assert SEALED in sealed or not any(t in raw_text(sample(event_type)) for t in PERSONAL_TEXTS)
    assert not [t for t in PERSONAL_TEXTS if t in raw_text(sealed)]


@pytest.mark.parametrize("event_type", list(SAMPLE_DATA))
def test_without_the_key_every_event_still_validates_and_holds_nothing_personal(
    event_type: EventType,
) -> None:
    sealed = seal(sample(event_type), KEY)
    erased = decode_event(orjson.dumps(sealed), keys=lambda kid: None)
    assert erased.type == event_type
    if event_type in PERSONAL_FIELDS:
        assert not [t for t in PERSONAL_TEXTS if t in erased.model_dump_json()]


def test_amounts_types_and_skus_stay_in_clear() -> None:
    sealed = seal(sample(EventType.PURCHASE), KEY)
    assert sealed["data"]["amount_minor"] == 2933
    assert sealed["data"]["items"][0]["sku"] == "cd"
    erased = decode_event(orjson.dumps(sealed))
    assert erased.data.amount_minor == 2933  # type: ignore[union-attr]
    assert erased.data.customer.customer_id == "c_1"  # type: ignore[union-attr]
    assert erased.data.customer.phone is None  # type: ignore[union-attr]


def test_a_required_text_reads_as_a_placeholder_once_erased() -> None:
    erased = decode_event(orjson.dumps(seal(sample(EventType.NOTE), KEY)))
    assert erased.data.text == ERASED_TEXT  # type: ignore[union-attr]


def test_a_plain_event_from_before_sealing_reads_as_it_was() -> None:
    document = sample(EventType.CALL)
    assert decode_event(orjson.dumps(document), keys=lambda kid: None) == parse_event(document)


def test_with_no_key_the_producer_writes_the_anonymous_event() -> None:
    written = seal(sample(EventType.SMS), None)
    assert SEALED not in written
    assert written["data"]["text"] == ERASED_TEXT
    assert "+989121234567" not in raw_text(written)


def test_an_altered_or_moved_ciphertext_reads_anonymous_not_poison() -> None:
    sealed = seal(sample(EventType.CALL), KEY)
    moved = {**sealed, "id": "another-event"}  # the sealed block is bound to its event id
    opened = open_sealed(moved, lambda kid: KEY)
    assert "notes" not in opened["data"]
    assert parse_event(opened).type == EventType.CALL


def test_a_wrong_key_reads_anonymous() -> None:
    sealed = seal(sample(EventType.CALL), KEY)
    event = decode_event(orjson.dumps(sealed), keys=lambda kid: new_data_key())
    assert event.data.notes is None  # type: ignore[union-attr]
