"""Working a complaint as a case: its owner, comments and status, folded so that any order of
the same events, and any event seen twice, gives the same case."""

from datetime import datetime

from services.projections.domain.state import CaseComment, Complaint, Mark, earlier
from shared.events.cases import (
    FINAL_STATUSES,
    CaseStatus,
    ComplaintAssigned,
    ComplaintCommented,
    ComplaintStatusChanged,
)

RESOLVED, CLOSED = CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value
MAX_COMMENTS = 50  # the newest are kept in the view; the timeline keeps every one


def later_mark(held: Mark | None, new: Mark) -> bool:
    return held is None or (new.at, new.event_id) > (held.at, held.event_id)


def assign(case: Complaint, event: ComplaintAssigned) -> Complaint:
    mark = Mark(at=event.time, event_id=event.id)
    if not later_mark(case.owner_mark, mark):
        return case  # an older reassignment, or this one again
    return case.model_copy(update={"owner": event.data.owner, "owner_mark": mark})


def comment(case: Complaint, event: ComplaintCommented) -> Complaint:
    said = CaseComment(
        id=event.id, at=event.time, author=event.data.agent_id, text=event.data.comment
    )
    return case.model_copy(update={"comments": with_comments(case.comments, (said,))})


def with_comments(
    held: tuple[CaseComment, ...], more: tuple[CaseComment, ...]
) -> tuple[CaseComment, ...]:
    """The union by id, oldest first, the newest `MAX_COMMENTS` kept."""
    by_id = {c.id: c for c in (*held, *more)}
    return tuple(sorted(by_id.values(), key=lambda c: (c.at, c.id))[-MAX_COMMENTS:])


def change_status(case: Complaint, event: ComplaintStatusChanged) -> Complaint:
    status = event.data.status
    if status in FINAL_STATUSES:
        closed = event.time if status is CaseStatus.CLOSED else None
        return end(case, resolved_at=event.time, closed_at=closed)
    return set_open_status(case, status.value, Mark(at=event.time, event_id=event.id))


def set_open_status(case: Complaint, status: str, mark: Mark) -> Complaint:
    """A status short of the end: the latest wins; once the case has ended it stays ended."""
    if case.resolved_at is not None or not later_mark(case.status_mark, mark):
        return case
    return case.model_copy(update={"status": status, "status_mark": mark})


def end(case: Complaint, resolved_at: datetime, closed_at: datetime | None = None) -> Complaint:
    """Resolved (and perhaps closed) at the earliest time any event says so. The open status
    it had is forgotten, so the order of the events does not show."""
    resolved = earlier(case.resolved_at, resolved_at)
    closed = earlier(case.closed_at, closed_at)
    return case.model_copy(
        update={
            "resolved_at": resolved,
            "closed_at": closed,
            "status": CLOSED if closed is not None else RESOLVED,
            "status_mark": None,
        }
    )


def latest_owner(a: Complaint, b: Complaint) -> Complaint:
    """Of two views of one case, the one assigned last."""
    if b.owner_mark is not None and later_mark(a.owner_mark, b.owner_mark):
        return b
    return a
