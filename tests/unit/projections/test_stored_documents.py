"""How states and timeline parts are stored: as JSON text, read back equal; the nested documents
an earlier release wrote are still read."""

from services.projections.adapters.store import (
    ENTRIES,
    STATE,
    entries_of,
    state_document,
    state_of,
)
from services.projections.domain.state import CustomerState
from shared.events import EventType
from tests.unit.projections import events as ev
from tests.unit.projections.fakes import Projection, records


def folded_state() -> CustomerState:
    """A customer with a profile, purchases, a call and a complaint: most fields are set."""
    cid = ev.new_customer_id()
    projection = Projection()
    projection.deliver(records("contacts", [ev.created(cid, 0, name="سارا محمدی")]))
    events = [
        ev.purchase(cid, 1, 1000, "USD"),
        ev.call(cid, 2),
        ev.interaction(
            EventType.COMPLAINT_OPENED, cid, 3, complaint_id="K1", severity="high", subject="late"
        ),
    ]
    projection.deliver(records("interactions", events))
    return projection.states[cid]


def test_a_state_is_stored_as_its_id_revision_and_json_text_and_read_back_equal() -> None:
    state = folded_state()
    assert state.head
    assert state.kpis.spend["USD"].total_minor == 1000
    assert state.complaints

    doc = state_document(state)

    assert set(doc) == {"_id", "revision", STATE}
    assert (doc["_id"], doc["revision"]) == (state.customer_id, state.revision)
    assert isinstance(doc[STATE], str)
    assert "سارا محمدی" in doc[STATE]
    assert state_of(doc) == state


def test_fields_left_out_take_their_defaults() -> None:
    state = folded_state()

    without = state_of(state_document(state), ("head", "timeline"))

    assert without == state.model_copy(update={"head": (), "timeline": {}})


def test_a_state_written_as_a_nested_document_is_still_read() -> None:
    state = folded_state()
    nested = {"_id": state.customer_id, **state.model_dump(mode="json")}

    assert state_of(nested) == state
    assert state_of(nested, ("head",)) == state.model_copy(update={"head": ()})


def test_a_timeline_part_is_read_from_json_text_and_from_a_list() -> None:
    entries = list(folded_state().head)
    assert len(entries) == 4  # created, purchase, call, complaint
    as_text = ENTRIES.dump_json(entries).decode()
    as_list = [e.model_dump(mode="json") for e in entries]

    assert entries_of({"entries": as_text}) == entries
    assert entries_of({"entries": as_list}) == entries
