"""The near cache's change feed reads every record of the log: none can stop it."""

import orjson
from aiokafka.structs import ConsumerRecord
from hypothesis import given
from hypothesis import strategies as st

from services.projections.entrypoints.change_feed import customers_of

CONTACTS = "c360.contacts"


def record(topic: str, key: bytes | None, value: bytes | None) -> "ConsumerRecord[bytes, bytes]":
    return ConsumerRecord(topic, 0, 7, 0, 0, key, value, None, 0, 0, [])


@given(
    st.sampled_from([CONTACTS, "c360.interactions"]),
    st.one_of(st.none(), st.binary(max_size=40)),
    st.one_of(
        st.none(),
        st.binary(max_size=300),
        st.recursive(
            st.one_of(
                st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=10)
            ),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["subject", "data", "survivor_id", "merged_id", "x"]), inner
                )
            ),
            max_leaves=10,
        ).map(orjson.dumps),
    ),
)
def test_any_record_names_its_customers_without_an_exception(
    topic: str, key: bytes | None, value: bytes | None
) -> None:
    found = customers_of(record(topic, key, value), CONTACTS)
    assert all(isinstance(c, str) and c for c in found)


def test_a_merge_concerns_both_sides() -> None:
    value = b'{"subject":"c_a","data":{"survivor_id":"c_a","merged_id":"c_b"}}'
    assert customers_of(record(CONTACTS, b"c_a", value), CONTACTS) == {"c_a", "c_b"}
