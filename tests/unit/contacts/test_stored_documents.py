"""How contacts and commits are stored: snapshots and commit bodies as JSON text, read back
equal; pointers and erasure stubs are not commits; nested documents of an earlier release are
still read."""

from datetime import UTC, datetime

from services.contacts.adapters.journal import commit_doc
from services.contacts.adapters.outbox import Placement
from services.contacts.adapters.stored import (
    BODY,
    STATE,
    commit_document,
    commit_of,
    snapshot_document,
    snapshot_of,
)
from services.contacts.domain.changes import merge
from services.contacts.domain.commands import create
from services.contacts.domain.contact import ContactState
from shared.events.contacts import Origin
from shared.events.customer import Profile
from shared.privacy.blind import BlindIndex

BLIND = BlindIndex(b"k" * 32)


def contact(customer_id: str, phone: str) -> ContactState:
    profile = Profile(name="سارا محمدی", phones=(phone,), external_ids={"shop": customer_id})
    return create(customer_id, Origin.API, profile).states[0]


def test_a_snapshot_is_its_id_version_and_json_text_read_back_equal() -> None:
    state = contact("c_a", "+989125550101")

    doc = snapshot_document(state)

    assert set(doc) == {"_id", "version", STATE}
    assert (doc["_id"], doc["version"]) == ("c_a", state.version)
    assert "سارا محمدی" in doc[STATE]
    assert snapshot_of(doc) == state


def test_a_commit_keeps_its_id_and_time_as_fields_and_reads_back_equal() -> None:
    survivor, merged = contact("c_a", "+989125550101"), contact("c_b", "+989125550102")
    commit = commit_doc(merge(survivor, merged, "same person", "agent"), Placement(3, 41), BLIND)

    stored = commit_document(commit)

    assert set(stored) == {"_id", BODY, "at"}
    assert isinstance(stored[BODY], str)
    assert (stored["_id"], stored["at"]) == (commit["_id"], commit["at"])
    assert commit_of(stored) == commit
    read = commit_of(stored)
    assert read is not None
    assert [ContactState.model_validate(s) for s in read["states"]][1].merged_into == "c_a"
    assert read["placement"] == {"partition": 3, "from_offset": 41}


def test_pointers_and_erasure_stubs_are_not_commits() -> None:
    assert commit_of({"_id": "c_b:2", "commit": "c_a:2"}) is None
    assert commit_of({"_id": "c_a:1", "erased": True}) is None


def test_documents_written_nested_by_an_earlier_release_are_still_read() -> None:
    state = contact("c_a", "+989125550101")
    nested = {"_id": state.customer_id, **state.model_dump(mode="json")}
    assert snapshot_of(nested) == state

    commit = commit_doc(create("c_c", Origin.API, Profile()), Placement(0, 0), BLIND)
    old = {**commit, "at": datetime(2026, 1, 1, tzinfo=UTC)}
    assert commit_of(old) == old
