"""Complaint life cycle: opened -> updated* -> resolved, keyed by complaint id."""

from datetime import datetime, timedelta

from services.projections.domain.state import Complaint
from shared.events.interactions import (
    ComplaintOpened,
    ComplaintResolved,
    ComplaintUpdated,
    InteractionEvent,
)

RESOLVED = "resolved"


def apply(
    known: tuple[Complaint, ...], event: InteractionEvent, default_sla: dict[str, timedelta]
) -> tuple[Complaint, ...]:
    """The complaints after `event` (unchanged for events that are not about complaints)."""
    if not isinstance(event, ComplaintOpened | ComplaintUpdated | ComplaintResolved):
        return known
    current = next((c for c in known if c.complaint_id == event.data.complaint_id), None)
    base = current or Complaint(complaint_id=event.data.complaint_id, changed_at=event.time)
    changed = _change(base, event, default_sla)
    others = tuple(c for c in known if c.complaint_id != changed.complaint_id)
    return tuple(sorted((*others, changed), key=lambda c: c.complaint_id))


def _change(
    complaint: Complaint,
    event: ComplaintOpened | ComplaintUpdated | ComplaintResolved,
    default_sla: dict[str, timedelta],
) -> Complaint:
    at = max(complaint.changed_at, event.time)
    match event:
        case ComplaintOpened(data=d):
            due = d.sla_due_at or event.time + default_sla[d.severity.value]
            return complaint.model_copy(
                update={
                    "subject": d.subject,
                    "severity": d.severity.value,
                    "opened_at": event.time,
                    "sla_due_at": due,
                    "changed_at": at,
                }
            )
        case ComplaintUpdated(data=d):
            if complaint.resolved_at is not None:
                return complaint  # a late update does not reopen a resolved complaint
            update: dict[str, object] = {"status": d.status.value, "changed_at": at}
            if d.severity is not None:
                update["severity"] = d.severity.value
            return complaint.model_copy(update=update)
        case ComplaintResolved():
            return complaint.model_copy(
                update={"status": RESOLVED, "resolved_at": event.time, "changed_at": at}
            )


def combine(a: Complaint, b: Complaint) -> Complaint:
    """One complaint seen by two merged customers: the opening from whichever has it, the
    status from the latest change, resolved if either resolved it."""
    opener = a if a.opened_at is not None else b
    latest = max(a, b, key=lambda c: c.changed_at)
    resolved_at = min((t for t in (a.resolved_at, b.resolved_at) if t), default=None)
    status = RESOLVED if resolved_at is not None else latest.status
    return opener.model_copy(
        update={
            "status": status,
            "severity": latest.severity or opener.severity,
            "resolved_at": resolved_at,
            "changed_at": latest.changed_at,
        }
    )


def is_open(complaint: Complaint) -> bool:
    return complaint.opened_at is not None and complaint.resolved_at is None


def overdue(complaint: Complaint, now: datetime) -> bool:
    return is_open(complaint) and complaint.sla_due_at is not None and complaint.sla_due_at < now
