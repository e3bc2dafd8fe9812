"""Complaint life cycle: opened -> worked as a case (updated, assigned, commented, status
changed)* -> resolved or closed, keyed by complaint id."""

from datetime import datetime, timedelta

from services.projections.domain import cases
from services.projections.domain.state import Complaint, Mark
from shared.events.cases import ComplaintAssigned, ComplaintCommented, ComplaintStatusChanged
from shared.events.interactions import (
    ComplaintOpened,
    ComplaintResolved,
    ComplaintUpdated,
    InteractionEvent,
)

ComplaintEvent = (
    ComplaintOpened
    | ComplaintUpdated
    | ComplaintResolved
    | ComplaintAssigned
    | ComplaintCommented
    | ComplaintStatusChanged
)


def apply(
    known: tuple[Complaint, ...], event: InteractionEvent, default_sla: dict[str, timedelta]
) -> tuple[Complaint, ...]:
    """The complaints after `event` (unchanged for events that are not about complaints)."""
    if not isinstance(event, ComplaintEvent):
        return known
    current = next((c for c in known if c.complaint_id == event.data.complaint_id), None)
    base = current or Complaint(complaint_id=event.data.complaint_id, changed_at=event.time)
    changed = _change(base, event, default_sla)
    others = tuple(c for c in known if c.complaint_id != changed.complaint_id)
    return tuple(sorted((*others, changed), key=lambda c: c.complaint_id))


def _change(
    complaint: Complaint,
    event: ComplaintEvent,
    default_sla: dict[str, timedelta],
) -> Complaint:
    at = max(complaint.changed_at, event.time)
    complaint = complaint.model_copy(update={"changed_at": at})
    match event:
        case ComplaintOpened(data=d):
            due = d.sla_due_at or event.time + default_sla[d.severity.value]
            return complaint.model_copy(
                update={
                    "subject": d.subject,
                    "severity": d.severity.value,
                    "opened_at": event.time,
                    "sla_due_at": due,
                }
            )
        case ComplaintUpdated(data=d):
            if d.severity is not None and complaint.resolved_at is None:
                complaint = complaint.model_copy(update={"severity": d.severity.value})
            mark = Mark(at=event.time, event_id=event.id)
            return cases.set_open_status(complaint, d.status.value, mark)
        case ComplaintResolved():
            return cases.end(complaint, resolved_at=event.time)
        case ComplaintAssigned():
            return cases.assign(complaint, event)
        case ComplaintCommented():
            return cases.comment(complaint, event)
        case ComplaintStatusChanged():
            return cases.change_status(complaint, event)


def combine(a: Complaint, b: Complaint) -> Complaint:
    """One complaint seen by two merged customers: the opening from whichever has it, the
    status from the latest change, the owner from the latest assignment, every comment, resolved
    (closed) if either resolved (closed) it."""
    opener = a if a.opened_at is not None else b
    latest = max(a, b, key=lambda c: c.changed_at)
    owned = cases.latest_owner(a, b)
    combined = opener.model_copy(
        update={
            "status": latest.status,
            "status_mark": latest.status_mark,
            "severity": latest.severity or opener.severity,
            "owner": owned.owner,
            "owner_mark": owned.owner_mark,
            "comments": cases.with_comments(a.comments, b.comments),
            "resolved_at": None,
            "closed_at": None,
            "changed_at": latest.changed_at,
        }
    )
    for ended in (a, b):
        if ended.resolved_at is not None:
            combined = cases.end(combined, ended.resolved_at, ended.closed_at)
    return combined


def is_open(complaint: Complaint) -> bool:
    return complaint.opened_at is not None and complaint.resolved_at is None


def overdue(complaint: Complaint, now: datetime) -> bool:
    return is_open(complaint) and complaint.sla_due_at is not None and complaint.sla_due_at < now
