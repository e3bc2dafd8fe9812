"""The real batch resolution and resolver over fakes of the identity store's ports."""

from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.service_layer.batch_resolution import BatchResolution
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.identity.normalise import InvalidIdentifier
from tests.unit.contacts.fakes import FakeContactDocuments


def resolution(store: FakeContactDocuments) -> BatchResolution:
    return BatchResolution(IdentityResolver(store, adopt_after_s=0))


async def test_first_sightings_known_and_invalid_blocks_are_answered_in_order() -> None:
    store = FakeContactDocuments()
    batch = resolution(store)
    first = await batch.resolve_many([CustomerRef(phone="09121110001"), CustomerRef(phone="12")])
    sara, bad = first
    assert isinstance(sara, ResolvedCustomer)
    assert sara.created
    assert isinstance(bad, InvalidIdentifier)
    assert bad.field == "customer.phone"

    again = await batch.resolve_many(
        [
            CustomerRef(phone="+98 912 111 0001"),
            CustomerRef(email="new@example.com", phone="09121110002"),
            CustomerRef(phone="09121110002"),  # shares a new identifier with the block before
        ]
    )
    known, new, same = again
    assert known == ResolvedCustomer(sara.customer_id)
    assert isinstance(new, ResolvedCustomer)
    assert isinstance(same, ResolvedCustomer)
    assert new.created
    assert (same.customer_id, same.created) == (new.customer_id, False)
    created = [c.event.type for c in store.journal.published]
    assert created == ["c360.contact.created", "c360.contact.created"]
    assert store.index.entries == {
        "phone:+989121110001": sara.customer_id,
        "email:new@example.com": new.customer_id,
        "phone:+989121110002": new.customer_id,
    }


async def test_a_first_sighting_that_loses_the_race_follows_the_winner() -> None:
    store = FakeContactDocuments()
    winner = await resolution(store).resolve_many([CustomerRef(phone="09121110009")])
    assert isinstance(winner[0], ResolvedCustomer)
    taken = dict(store.index.entries)
    store.index.entries.clear()  # another process read "unknown" too...

    def competitor_first(key: str) -> None:
        store.index.entries.update(taken)  # ...and its claim lands before ours

    store.index.before_claim = competitor_first
    answers = await resolution(store).resolve_many([CustomerRef(phone="0912 111 0009")])
    assert answers == [ResolvedCustomer(winner[0].customer_id)]
    assert len(store.journal.published) == 1  # no second customer for the same phone


async def test_known_owners_are_read_in_one_go_and_a_merged_one_is_followed() -> None:
    store = FakeContactDocuments()
    phones = ["09121110021", "09121110022", "09121110023"]
    created = await resolution(store).resolve_many([CustomerRef(phone=p) for p in phones])
    a, b, c = (r.customer_id for r in created if isinstance(r, ResolvedCustomer))
    assert store.journal.reads_of_many == []  # first sightings have no owner to read
    store.journal.states[b] = store.journal.states[b].model_copy(update={"merged_into": a})

    answers = await resolution(store).resolve_many([CustomerRef(phone=p) for p in phones])

    assert answers == [ResolvedCustomer(a), ResolvedCustomer(a), ResolvedCustomer(c)]
    assert store.journal.reads_of_many == [3]
