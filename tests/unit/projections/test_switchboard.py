"""The switchboard tells every console of the agent a call rings for, and only those; a console
that stops reading keeps the newest rings, not an ever-growing queue."""

from datetime import UTC, datetime

from services.projections.entrypoints.ringing_feed import ring_of
from services.projections.service_layer.switchboard import PENDING_PER_CONSOLE, Ring, Switchboard
from shared.events import EventType, encode_event
from tests.factories import make_event


def ring(agent: str, n: int = 0) -> Ring:
    return Ring(f"e{n}", f"c{n}", agent, "+989121234567", None, datetime(2026, 3, 1, tzinfo=UTC))


def test_a_ring_reaches_every_console_of_its_agent_and_no_other() -> None:
    board = Switchboard()
    with board.listen("sara") as desk, board.listen("sara") as phone, board.listen("reza") as other:
        assert board.ring(ring("sara")) == 2
        assert (desk.get_nowait().agent_id, phone.get_nowait().agent_id) == ("sara", "sara")
        assert other.empty()
    assert board.ring(ring("sara")) == 0
    assert board.listening("sara") == 0


def test_a_console_that_stops_reading_keeps_the_newest_rings() -> None:
    board = Switchboard()
    with board.listen("sara") as queue:
        for n in range(PENDING_PER_CONSOLE + 5):
            board.ring(ring("sara", n))
        kept = [queue.get_nowait().call_id for _ in range(queue.qsize())]
    assert kept == [f"c{n}" for n in range(5, PENDING_PER_CONSOLE + 5)]


def test_the_feed_reads_a_ringing_event_and_passes_anything_else() -> None:
    data = {"call_id": "8813", "agent_id": "agent", "phone": "0912 123 4567", "line": "sales"}
    found = ring_of(encode_event(make_event(EventType.CALL_RINGING, data)))
    assert found is not None
    assert (found.agent_id, found.phone, found.line) == ("agent", "0912 123 4567", "sales")
    assert ring_of(b"{not json") is None
    note = make_event(EventType.NOTE, {"customer": {"customer_id": "c1"}, "text": "hi"})
    assert ring_of(encode_event(note)) is None
