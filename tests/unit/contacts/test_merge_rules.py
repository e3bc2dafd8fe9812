"""The refusals of merges, unmerges and erasure, decided without any I/O."""

from datetime import UTC, datetime

import pytest

from services.contacts.domain.changes import erase, merge, unmerge
from services.contacts.domain.commands import create
from services.contacts.domain.contact import ContactState
from services.contacts.domain.errors import RuleViolation
from shared.events.contacts import Origin
from shared.events.customer import Profile


def contact(customer_id: str, **profile: object) -> ContactState:
    return create(customer_id, Origin.API, Profile(**profile)).states[0]


def test_merge_into_itself_is_invalid_input() -> None:
    a = contact("c_a")
    with pytest.raises(RuleViolation) as caught:
        merge(a, a, "r", None)
    assert (caught.value.field, caught.value.status) == ("merged_id", 422)


def test_merged_or_erased_customers_cannot_take_part() -> None:
    a, b, c = contact("c_a"), contact("c_b"), contact("c_c")
    _, b_merged = merge(a, b, "r", None).states
    with pytest.raises(RuleViolation, match="merged into c_a") as caught:
        merge(c, b_merged, "r", None)
    assert caught.value.field == "merged_id"
    with pytest.raises(RuleViolation) as caught:
        merge(b_merged, c, "r", None)
    assert caught.value.field == "survivor_id"
    c_erased = erase(c, "asked", datetime.now(UTC)).states[0]
    with pytest.raises(RuleViolation, match="erased"):
        merge(a, c_erased, "r", None)


def test_unmerge_needs_a_merge_and_goes_in_reverse_order() -> None:
    a, b, c = contact("c_a"), contact("c_b"), contact("c_c")
    with pytest.raises(RuleViolation, match="not merged"):
        unmerge(a, b, "r", None)
    a1, b1 = merge(a, b, "r", None).states
    c1, a2 = merge(c, a1, "r", None).states
    with pytest.raises(RuleViolation, match="unmerge c_a first"):
        unmerge(a2, b1, "r", None)
    c2, a3 = unmerge(c1, a2, "r", None).states
    a4, b2 = unmerge(a3, b1, "r", None).states
    assert b2.merged_into is None
    assert a4.merged_from == ()
    assert c2.merged_from == ()


def test_erase_forgets_personal_data_and_frees_identifiers() -> None:
    a = contact("c_a", name="Sara", emails=("s@x.com",), phones=("+989121234567",))
    commit = erase(a, "GDPR", datetime.now(UTC))
    tomb = commit.states[0]
    assert tomb.erased
    assert tomb.profile == Profile()
    assert dict(commit.index) == {"email:s@x.com": None, "phone:+989121234567": None}
