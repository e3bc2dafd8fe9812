"""The audit projection's pure part: an access event as the document that answers
"who saw this customer" and "what did this actor see"."""

from typing import Any

from shared.auth.roles import Principal, Role
from shared.events.audit import AccessAudited

# Who reads the whole audit; a supervisor reads only what the members of their teams did.
WHOLE_AUDIT = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})


def audit_teams(reader: Principal) -> frozenset[str] | None:
    """The teams whose actors `reader` may see in the audit; None means every actor."""
    if reader.roles & WHOLE_AUDIT:
        return None
    return reader.teams


def audit_document(event: AccessAudited) -> dict[str, Any]:
    """One document per access, keyed by the event id, so a redelivered event is one write."""
    data = event.data
    return {
        "_id": event.id,
        # newest first, ties broken by id: the page order and the cursor in one string
        "order": f"{event.time.isoformat()}|{event.id}",
        "time": event.time,
        "actor": data.actor,
        "actor_subject": data.actor_subject,
        "role": data.role,
        "actor_teams": list(data.actor_teams),
        "action": data.action,
        "customer_ids": list(data.customer_ids),
        "service": data.service,
        "method": data.method,
        "path": data.path,
        "status": data.status,
        "client": data.client,
    }
