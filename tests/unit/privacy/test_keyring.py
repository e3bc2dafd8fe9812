"""The keyring: keys cached where used, sealing on the way out, opening on the way in, and
erasure by destroying the key."""

from shared.events import CallLogged, Event, EventType
from shared.events.codec import STRUCTURED_HEADERS
from shared.events.samples import SAMPLE_DATA
from shared.privacy.keyring import Keyring
from tests.factories import make_event
from tests.unit.privacy.fakes import FakeVault


def call(customer_id: str = "c_1") -> CallLogged:
    event = make_event(EventType.CALL, SAMPLE_DATA[EventType.CALL], subject=customer_id)
    assert isinstance(event, CallLogged)
    return event


def as_call(event: Event) -> CallLogged:
    assert isinstance(event, CallLogged)
    return event


async def test_one_vault_lookup_serves_many_events() -> None:
    vault = FakeVault()
    keyring = Keyring(vault)
    values = [await keyring.encode(call()) for _ in range(50)]
    for value in values:
        event = as_call(await keyring.decode_record(value, STRUCTURED_HEADERS))
        assert event.data.notes == "سلام 👋"
    assert vault.lookups == 1


async def test_destroying_the_key_makes_every_copy_anonymous() -> None:
    vault = FakeVault()
    writer, reader = Keyring(vault), Keyring(vault)
    value = await writer.encode(call())
    await writer.destroy("c_1")
    event = as_call(await reader.decode_record(value, STRUCTURED_HEADERS))
    assert event.data.notes is None
    assert event.data.customer.phone is None
    assert "سلام".encode() not in value
    assert b"+989121234567" not in value


async def test_after_an_erasure_a_replayed_event_is_written_without_personal_data() -> None:
    keyring = Keyring(FakeVault())
    await keyring.encode(call())
    await keyring.destroy("c_1")
    value = await keyring.encode(call())
    assert b"+989121234567" not in value
    assert b"c360sealed" not in value


async def test_a_cached_key_expires_so_an_erasure_elsewhere_arrives() -> None:
    now = [0.0]
    vault = FakeVault()
    reader = Keyring(vault, ttl_seconds=10, clock=lambda: now[0])
    value = await Keyring(vault).encode(call())
    assert as_call(await reader.decode_record(value, STRUCTURED_HEADERS)).data.notes
    await vault.destroy("c_1")
    now[0] = 11.0
    assert as_call(await reader.decode_record(value, STRUCTURED_HEADERS)).data.notes is None


async def test_a_batchs_keys_are_fetched_in_one_go_and_then_served_from_the_cache() -> None:
    vault = FakeVault()
    writer = Keyring(vault)
    customers = [f"c_{n}" for n in range(20)]
    for customer in customers[:5]:  # five exist before the batch
        await writer.key(customer, create=True)
    keyring = Keyring(vault)
    await keyring.prepare(customers, create=True)
    await keyring.prepare(customers, create=True)  # all fresh now: the vault is not asked again
    values = [await keyring.encode(call(c)) for c in customers]
    assert vault.batch_lookups == 1
    assert vault.lookups == 5  # the writer's five single lookups; none for the batch's events
    opened = [as_call(await writer.decode_record(v, STRUCTURED_HEADERS)) for v in values]
    assert all(event.data.notes == "سلام 👋" for event in opened)


async def test_an_erased_customer_in_a_batch_gets_no_new_key() -> None:
    vault = FakeVault()
    keyring = Keyring(vault)
    await keyring.key("c_gone", create=True)
    await keyring.destroy("c_gone")
    reader = Keyring(vault)
    await reader.prepare(["c_gone", "c_new"], create=True)
    assert reader.cached("c_gone") is None
    assert reader.cached("c_new") is not None


async def test_keys_of_new_customers_are_created_in_one_write() -> None:
    vault = FakeVault()
    keyring = Keyring(vault)
    await keyring.create(["c_a", "c_b"])
    assert vault.batch_lookups == 1
    assert keyring.cached("c_a") == vault.keys["c_a"]
    assert keyring.cached("c_b") == vault.keys["c_b"]


async def test_before_opening_a_batch_only_the_sealed_records_keys_are_read_in_one_go() -> None:
    vault = FakeVault()
    writer = Keyring(vault)
    sealed = [(c.encode(), await writer.encode(call(c))) for c in ("c_1", "c_2", "c_3")]
    plain = [(b"c_plain", b'{"type": "c360.interaction.call"}'), (None, b"{}"), (b"c_4", None)]
    reader = Keyring(vault)
    before = vault.lookups
    await reader.prepare_to_open([*sealed, *plain])
    assert vault.batch_lookups == 1
    assert {c for c in ("c_1", "c_2", "c_3", "c_plain", "c_4") if reader.cached(c)} == {
        "c_1",
        "c_2",
        "c_3",
    }
    opened = [as_call(await reader.decode_record(v, STRUCTURED_HEADERS)) for _, v in sealed]
    assert all(event.data.notes == "سلام 👋" for event in opened)
    assert vault.lookups == before  # every key came from the one batch read
