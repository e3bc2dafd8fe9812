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
