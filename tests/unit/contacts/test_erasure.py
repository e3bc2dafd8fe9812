"""Erasure's one path (`service_layer/erasure.py`) over fakes of the store and the dead-letter
shelf: the person's dead letters are withheld while the contact still knows them, before the key
is destroyed; a shelf that fails leaves nothing erased; a refused erasure withholds nothing."""

from dataclasses import dataclass, field

import pytest

from services.contacts.domain.errors import ContactErasedError, RuleViolation
from services.contacts.service_layer.contacts import Contacts
from services.contacts.service_layer.erasure import Erasure
from services.contacts.service_layer.merges import Merges
from shared.events.customer import Profile
from shared.privacy.needles import Subject
from tests.unit.contacts.fakes import FakeContactDocuments

SARA = Profile(
    name="سارا محمدی",
    phones=("0912 555 7788",),
    emails=("Sara.M@Example.com",),
    external_ids={"crm": "CRM-SARA-7781"},
)


@dataclass
class FakeShelf:
    store: FakeContactDocuments
    held: int = 1
    down: bool = False
    asked: list[tuple[Subject, str, list[str]]] = field(default_factory=list)

    async def withhold(self, subject: Subject, why: str) -> int:
        self.asked.append((subject, why, list(self.store.journal.forgotten)))
        if self.down:
            raise ConnectionError("the broker does not answer")
        return self.held


@pytest.fixture
def store() -> FakeContactDocuments:
    return FakeContactDocuments()


async def test_dead_letters_are_withheld_with_the_identifiers_before_the_key_is_destroyed(
    store: FakeContactDocuments,
) -> None:
    contacts = Contacts(store)
    shelf = FakeShelf(store, held=2)
    customer_id = (await contacts.create(SARA)).state.customer_id

    erased = await Erasure(contacts, shelf).erase(customer_id, "art. 17")

    [(subject, why, forgotten_then)] = shelf.asked
    assert forgotten_then == []  # the key still existed
    assert store.journal.forgotten == [customer_id]
    assert set(subject.identifiers) >= {
        ("phone", "+989125557788"),
        ("email", "sara.m@example.com"),
        ("crm", "CRM-SARA-7781"),
    }
    assert ("profile.name", "سارا محمدی") in subject.texts
    assert why == f"holds erased customer {customer_id}"
    assert erased.withheld_dead_letters == 2
    assert erased.written.state.erased
    assert erased.plaintext.topics == ["c360.ingress", "c360.deadletter"]
    assert erased.plaintext.expires_at is not None


async def test_a_shelf_that_fails_leaves_nothing_erased(store: FakeContactDocuments) -> None:
    contacts = Contacts(store)
    customer_id = (await contacts.create(SARA)).state.customer_id
    with pytest.raises(ConnectionError):
        await Erasure(contacts, FakeShelf(store, down=True)).erase(customer_id, "art. 17")
    assert store.journal.forgotten == []
    assert not (await contacts.load(customer_id)).erased


async def test_a_refused_erasure_withholds_nothing(store: FakeContactDocuments) -> None:
    contacts = Contacts(store)
    survivor = (await contacts.create(SARA)).state.customer_id
    twin = (await contacts.create(Profile(name="Sara Mohammadi"))).state.customer_id
    await Merges(store).merge(survivor, twin, "same person", None)
    shelf = FakeShelf(store)
    with pytest.raises(RuleViolation):
        await Erasure(contacts, shelf).erase(survivor, "art. 17")
    assert shelf.asked == []


async def test_erasing_twice_is_refused_without_asking_the_shelf_again(
    store: FakeContactDocuments,
) -> None:
    contacts = Contacts(store)
    shelf = FakeShelf(store)
    customer_id = (await contacts.create(SARA)).state.customer_id
    await Erasure(contacts, shelf).erase(customer_id, "art. 17")
    with pytest.raises(ContactErasedError):
        await Erasure(contacts, shelf).erase(customer_id, "again")
    assert len(shelf.asked) == 1
