"""A prepared answer is masked by the same rules as any other, once per exposure."""

import orjson

from shared.auth.masking import Exposure, mask
from shared.auth.prepared import PreparedJson

KEY = b"k1"
VIEW = {
    "customer_id": "c_1",
    "merged_from": ["c_0"],
    "profile": {"name": "Sara", "phones": ["+989121234567"]},
    "recent_interactions": [{"type": "call", "notes": "asked about her order"}],
    "links": [{"merged_id": "c_0"}],
}


def test_full_sight_gets_the_body_as_it_was_serialized() -> None:
    prepared = PreparedJson.of(VIEW)
    assert prepared.body_for(Exposure.FULL, KEY) is prepared.body
    assert orjson.loads(prepared.body) == VIEW


def test_masked_variants_are_the_masks_of_the_body_and_made_once() -> None:
    prepared = PreparedJson.of(VIEW)
    for exposure in (Exposure.PSEUDONYMISED, Exposure.NONE):
        first = prepared.body_for(exposure, KEY)
        assert orjson.loads(first) == mask(VIEW, exposure, KEY)
        assert prepared.body_for(exposure, KEY) is first
    other_key = prepared.body_for(Exposure.PSEUDONYMISED, b"k2")
    assert orjson.loads(other_key) == mask(VIEW, Exposure.PSEUDONYMISED, b"k2")


def test_it_names_the_customers_it_holds_for_the_audit() -> None:
    assert PreparedJson.of(VIEW).customer_ids == ("c_1", "c_0")
