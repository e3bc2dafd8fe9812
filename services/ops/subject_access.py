"""`c360 export`: everything c360 holds on a person, gathered from each owner's API (GDPR art. 15
and 20): the contacts service's profile, identifiers, consent history and contact events; the
projection's view, whole timeline and segment memberships; the notifier's notifications; and
who accessed the data (the audit projection). Read as the privacy officer; every read is audited.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.auth.client import ops_token
from shared.auth.roles import Role
from shared.settings import Settings

Answer = dict[str, Any]
# GET base+path with query params: the JSON answer, or None when the owner holds nothing (404/410)
Read = Callable[[str, str, dict[str, Any]], Answer | None]
TIMELINE_PAGE = 200
AUDIT_PAGE = 500


class ExportIncomplete(Exception):
    """An owner of part of the person's data did not answer."""


def gather(read: Read, settings: Settings, customer_id: str) -> Answer:
    contacts = read(settings.contacts_url, f"/v1/contacts/{customer_id}/export", {})
    if contacts is None:
        raise LookupError(f"the contacts service knows no customer {customer_id!r}")
    contacts.pop("held_elsewhere", None)
    view = read(settings.projections_url, f"/v1/customers/{customer_id}", {})
    timeline_path = f"/v1/customers/{customer_id}/timeline"
    notifications = read(
        settings.notifier_url, "/v1/notifications", {"customer_id": customer_id, "complete": True}
    )
    return {
        **contacts,
        "exported_at": datetime.now(UTC).isoformat(),
        "view": view,
        "segment_memberships": (view or {}).get("segments", []),
        "timeline": _pages(read, settings.projections_url, timeline_path, TIMELINE_PAGE, {}),
        "notifications": (notifications or {}).get("items", []),
        "accesses": _pages(
            read, settings.projections_url, "/v1/audit", AUDIT_PAGE, {"customer_id": customer_id}
        ),
    }


def _pages(read: Read, base: str, path: str, limit: int, params: Answer) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while True:
        page = read(
            base, path, {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        )
        if page is None:
            return items
        items += page.get("items", [])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def api_reader(settings: Settings) -> Read:
    """Reads as the ops client (or, on a local stack without its secret, the privacy officer)."""
    bearer = ops_token(settings, Role.PRIVACY_OFFICER) if settings.auth_enabled else ""
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}

    def read(base: str, path: str, params: dict[str, Any]) -> Answer | None:
        url = f"{base.rstrip('/')}{path}"
        try:
            answer = httpx.get(url, params=params, headers=headers, timeout=60)
        except httpx.HTTPError as exc:
            raise ExportIncomplete(f"{base} did not answer: {exc}") from exc
        if answer.status_code in (404, 410):
            return None
        if answer.status_code >= 400:
            raise ExportIncomplete(f"{url} answered {answer.status_code}: {answer.text[:300]}")
        document: Answer = answer.json()
        return document

    return read
