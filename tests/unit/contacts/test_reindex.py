"""Rebuilding the identity index from the contacts (the upgrade to blind ids, a new index key):
live contacts own their identifiers, merged and erased ones none, and stale entries go."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from services.contacts.domain.changes import erase, merge
from services.contacts.domain.commands import create, profile_with
from services.contacts.domain.contact import ContactState
from services.contacts.service_layer.reindex import reindex
from shared.events.contacts import Identity, Origin
from shared.privacy.blind import BlindIndex

BLIND = BlindIndex(b"new index key")


class FakeIndex:
    """The store's index and contacts in memory; entries keyed as the adapter keys them."""

    def __init__(self, states: list[ContactState], entries: dict[str, str]) -> None:
        self.states = states
        self.entries = dict(entries)

    async def contacts(self) -> AsyncIterator[ContactState]:
        for state in self.states:
            yield state

    async def entry_ids(self) -> list[str]:
        return list(self.entries)

    async def put(self, key: str, customer_id: str) -> str:
        self.entries[BLIND.blind_id(key)] = customer_id
        return BLIND.blind_id(key)

    async def drop(self, entry_id: str) -> None:
        del self.entries[entry_id]


def contact(customer_id: str, *identities: Identity) -> ContactState:
    return create(customer_id, Origin.API, profile_with(list(identities))).states[0]


PHONE = Identity(kind="phone", value="+989125557788")
EMAIL = Identity(kind="email", value="sara@example.com")
CRM = Identity(kind="crm", value="A-9")
GONE = Identity(kind="phone", value="+989124441122")


async def test_plaintext_entries_become_blind_ids_of_the_same_owners() -> None:
    sara = contact("c_sara", PHONE, EMAIL)
    old = {PHONE.key: "c_sara", EMAIL.key: "c_sara", "phone:+989120000000": "c_orphan"}
    index = FakeIndex([sara], old)

    done = await reindex(index)

    assert index.entries == {
        BLIND.blind_id(PHONE.key): "c_sara",
        BLIND.blind_id(EMAIL.key): "c_sara",
    }
    assert (done.contacts, done.entries, done.dropped) == (1, 2, 3)


async def test_merged_identifiers_stay_with_the_survivor_and_erased_ones_are_free() -> None:
    survivor, merged = contact("c_a", PHONE), contact("c_b", CRM)
    after_merge = merge(survivor, merged, "same person", None).states
    erased = erase(contact("c_e", GONE), "GDPR art. 17", datetime.now(UTC)).states[0]
    index = FakeIndex([*after_merge, erased], {})

    await reindex(index)

    assert index.entries == {BLIND.blind_id(PHONE.key): "c_a", BLIND.blind_id(CRM.key): "c_a"}


async def test_a_second_external_id_brought_by_a_merge_stays_with_the_survivor() -> None:
    survivor = contact("c_a", CRM)
    other_crm = Identity(kind="crm", value="B-1")
    merged = contact("c_b", other_crm, PHONE)
    after_merge = merge(survivor, merged, "same person", None).states
    assert other_crm not in after_merge[0].identities()  # one value per system in a profile
    index = FakeIndex(list(after_merge), {})

    await reindex(index)

    assert index.entries == {
        BLIND.blind_id(CRM.key): "c_a",
        BLIND.blind_id(other_crm.key): "c_a",
        BLIND.blind_id(PHONE.key): "c_a",
    }


async def test_a_second_run_changes_nothing() -> None:
    index = FakeIndex([contact("c_sara", PHONE, EMAIL)], {PHONE.key: "c_sara"})
    await reindex(index)
    before = dict(index.entries)

    done = await reindex(index)

    assert index.entries == before
    assert done.dropped == 0
