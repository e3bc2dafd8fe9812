"""The audit projection's pure part: an access event as the document that answers
"who saw this customer" and "what did this actor see"."""

from typing import Any

from shared.events.audit import AccessAudited


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
        "action": data.action,
        "customer_ids": list(data.customer_ids),
        "service": data.service,
        "method": data.method,
        "path": data.path,
        "status": data.status,
        "client": data.client,
    }
