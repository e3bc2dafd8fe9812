"""The recovery's look-up in the log: an event is its `source` + `id`, and no record stops it."""

import orjson
from hypothesis import given
from hypothesis import strategies as st

from services.contacts.adapters.log_scan import carries

EVENT = {"id": "evt-1", "source": "services/contacts", "type": "c360.contact.created"}


def test_the_same_source_and_id_is_the_event_and_another_source_is_not() -> None:
    assert carries(orjson.dumps(EVENT), EVENT)
    assert not carries(orjson.dumps({**EVENT, "source": "tools/other"}), EVENT)
    assert not carries(orjson.dumps({**EVENT, "id": "evt-10"}), EVENT)


@given(st.binary(max_size=200), st.sampled_from([b"", b"evt-1", b'["evt-1"]', b'{"id":']))
def test_any_record_is_answered_without_an_exception(noise: bytes, near: bytes) -> None:
    for value in (noise, near + noise, noise + near, None):
        assert carries(value, EVENT) in (True, False)
