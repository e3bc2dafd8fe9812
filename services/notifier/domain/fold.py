"""`apply(state, event) -> state`: the notifier's per-customer fold. Pure and deterministic.

A redelivered event (same `source` + `id`, or an offset already applied) must leave the state
unchanged: `is_new` is that guard and `advance` folds an event while remembering where it came
from. Ids remembered by older versions (a bare `id`, without the source) still count.
"""

from collections.abc import Callable
from typing import Any

from services.notifier.domain.customer import (
    COMPLAINT_HISTORY,
    MAX_COMPLAINT_TIMES,
    RECENT_EVENT_IDS,
    Contact,
    CustomerState,
    OpenComplaint,
    contact_from_profile,
)
from shared.events import (
    FINAL_STATUSES,
    ComplaintOpened,
    ComplaintResolved,
    ComplaintStatusChanged,
    ComplaintUpdated,
    ConsentChanged,
    ContactCreated,
    ContactErased,
    ContactUpdated,
    Event,
    IdentityLinked,
    PurchaseMade,
    SurveyAnswered,
)


def is_new(state: CustomerState, event: Event, position_key: str, offset: int) -> bool:
    """Whether `event` at this position is new for `state` (not yet applied)."""
    already = state.positions.get(position_key, -1) >= offset
    seen = state.recent_event_ids
    return not already and event.idempotency_key not in seen and event.id not in seen


def advance(state: CustomerState, event: Event, position_key: str, offset: int) -> CustomerState:
    """Fold `event` and record the position and id it came from."""
    folded = apply(state, event)
    return folded.model_copy(
        update={
            "positions": {**folded.positions, position_key: offset},
            "recent_event_ids": (*folded.recent_event_ids, event.idempotency_key)[
                -RECENT_EVENT_IDS:
            ],
        }
    )


def apply(state: CustomerState, event: Event) -> CustomerState:
    """The state after `event`; events the notifier has no use for leave it unchanged."""
    handler = _HANDLERS.get(type(event))
    return handler(state, event) if handler else state


def _contact(state: CustomerState) -> Contact:
    return state.contact or Contact()


def _created(state: CustomerState, event: Any) -> CustomerState:
    return state.model_copy(update={"contact": contact_from_profile(event.data.profile)})


def _updated(state: CustomerState, event: Any) -> CustomerState:
    # A null in the changes means "unchanged", as the projection reads it.
    changes = event.data.changes.model_dump(exclude_none=True, exclude={"address"})
    return state.model_copy(update={"contact": _contact(state).model_copy(update=changes)})


def _identity_linked(state: CustomerState, event: Any) -> CustomerState:
    contact, identity = _contact(state), event.data.identity
    field = {"email": "emails", "phone": "phones"}.get(identity.kind)
    if field is None or identity.value in getattr(contact, field):
        return state
    grown = (*getattr(contact, field), identity.value)
    return state.model_copy(update={"contact": contact.model_copy(update={field: grown})})


def _consent(state: CustomerState, event: Any) -> CustomerState:
    contact = _contact(state)
    consent = {**contact.consent, event.data.channel: event.data.consent.granted}
    return state.model_copy(update={"contact": contact.model_copy(update={"consent": consent})})


def _erased(state: CustomerState, _: Any) -> CustomerState:
    return CustomerState(
        customer_id=state.customer_id,
        version=state.version,
        positions=state.positions,
        contact=Contact(erased=True),
    )


def _purchase(state: CustomerState, _: Any) -> CustomerState:
    return state.model_copy(update={"purchase_count": state.purchase_count + 1})


def _complaint_opened(state: CustomerState, event: Any) -> CustomerState:
    data, at = event.data, event.time
    recent = tuple(t for t in state.complaint_times if t >= at - COMPLAINT_HISTORY)
    complaint = OpenComplaint(
        complaint_id=data.complaint_id,
        severity=data.severity.value,
        subject=data.subject,
        opened_at=at,
        sla_due_at=data.sla_due_at,
    )
    others = tuple(c for c in state.open_complaints if c.complaint_id != data.complaint_id)
    return state.model_copy(
        update={
            "complaints_total": state.complaints_total + 1,
            "complaint_times": (*recent, at)[-MAX_COMPLAINT_TIMES:],
            "open_complaints": (*others, complaint),
        }
    )


def _complaint_updated(state: CustomerState, event: Any) -> CustomerState:
    data = event.data
    complaint = state.open_complaint(data.complaint_id)
    if complaint is None:
        return state
    changes: dict[str, Any] = {"status": data.status.value}
    if data.severity is not None:
        changes["severity"] = data.severity.value
    changed = complaint.model_copy(update=changes)
    complaints = tuple(changed if c is complaint else c for c in state.open_complaints)
    return state.model_copy(update={"open_complaints": complaints})


def _case_status(state: CustomerState, event: Any) -> CustomerState:
    """A case resolved or closed is no longer open, so its SLA timers find nothing to remind."""
    if event.data.status in FINAL_STATUSES:
        return _complaint_resolved(state, event)
    complaint = state.open_complaint(event.data.complaint_id)
    if complaint is None:
        return state
    changed = complaint.model_copy(update={"status": event.data.status.value})
    complaints = tuple(changed if c is complaint else c for c in state.open_complaints)
    return state.model_copy(update={"open_complaints": complaints})


def _complaint_resolved(state: CustomerState, event: Any) -> CustomerState:
    remaining = tuple(c for c in state.open_complaints if c.complaint_id != event.data.complaint_id)
    return state.model_copy(update={"open_complaints": remaining})


def _survey(state: CustomerState, event: Any) -> CustomerState:
    return state.model_copy(update={"last_csat": event.data.csat, "last_nps": event.data.nps})


_HANDLERS: dict[type, Callable[[CustomerState, Any], CustomerState]] = {
    ContactCreated: _created,
    ContactUpdated: _updated,
    IdentityLinked: _identity_linked,
    ConsentChanged: _consent,
    ContactErased: _erased,
    PurchaseMade: _purchase,
    ComplaintOpened: _complaint_opened,
    ComplaintUpdated: _complaint_updated,
    ComplaintResolved: _complaint_resolved,
    ComplaintStatusChanged: _case_status,
    SurveyAnswered: _survey,
}
