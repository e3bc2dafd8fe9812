"""Marketing spend: a customer-less event with a period that must be in order."""

import pytest

from shared.events import EventType, InvalidEvent, parse_event
from shared.events.samples import SAMPLE_DATA
from tests.factories import event_dict


def test_spend_is_read_with_its_period() -> None:
    event = parse_event(
        event_dict(EventType.MARKETING_SPEND, SAMPLE_DATA[EventType.MARKETING_SPEND])
    )
    assert event.type.family == "marketing"
    assert event.data.amount_minor == 250_000  # type: ignore[union-attr]


def test_a_period_ending_before_it_starts_names_the_problem() -> None:
    data = {**SAMPLE_DATA[EventType.MARKETING_SPEND], "period_end": "2026-02-01"}
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event_dict(EventType.MARKETING_SPEND, data))
    assert caught.value.kind == "schema_violation"
    assert "period_end" in str(caught.value)


def test_spend_names_no_customer() -> None:
    data = {**SAMPLE_DATA[EventType.MARKETING_SPEND], "customer": {"email": "a@b.c"}}
    with pytest.raises(InvalidEvent):
        parse_event(event_dict(EventType.MARKETING_SPEND, data))
