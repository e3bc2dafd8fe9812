"""Subject access (GDPR articles 15 and 20): the parts of a person's data that other services own,
each read from its owner's API, every page of it. The contacts service adds its own part (profile,
identifiers, consent history, contact events) and answers the whole document on
`GET /v1/contacts/{id}/export`, which `c360 export` prints.

Transport-free: `Read` is the port (`owners_api.py` is the HTTP adapter). A part whose owner does
not answer raises `PartMissing` naming it: an export is whole or it is refused.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Answer = dict[str, Any]
# GET base+path with query params: the JSON answer, or None when the owner holds nothing (404/410)
Read = Callable[[str, str, dict[str, Any]], Awaitable[Answer | None]]
TIMELINE_PAGE = 200
AUDIT_PAGE = 500
T = TypeVar("T")


class OwnerDown(Exception):
    """An owner of part of the person's data did not answer, or answered with an error."""


class PartMissing(Exception):
    """The part `part` of the export could not be read; `reason` says why."""

    def __init__(self, part: str, reason: str) -> None:
        super().__init__(f"{part}: {reason}")
        self.part = part
        self.reason = reason


@dataclass(frozen=True)
class Owners:
    """Where the other owners' APIs are."""

    projections_url: str
    notifier_url: str


@dataclass(frozen=True)
class HeldElsewhere:
    view: Answer | None
    segment_memberships: list[str]
    timeline: list[Answer]
    notifications: list[Answer]
    accesses: list[Answer]


async def held_elsewhere(read: Read, owners: Owners, customer_id: str) -> HeldElsewhere:
    """The view, whole timeline, segment memberships, every notification and every recorded
    access of `customer_id`; empty parts for a person an owner never saw."""
    api = owners.projections_url
    view = await _part("view", read(api, f"/v1/customers/{customer_id}", {}))
    timeline_path = f"/v1/customers/{customer_id}/timeline"
    timeline = await _part("timeline", _pages(read, api, timeline_path, TIMELINE_PAGE, {}))
    every_one = {"customer_id": customer_id, "complete": True}  # not only the newest page
    listed = read(owners.notifier_url, "/v1/notifications", every_one)
    notifications = await _part("notifications", listed)
    audit_query = {"customer_id": customer_id}
    accesses = await _part("accesses", _pages(read, api, "/v1/audit", AUDIT_PAGE, audit_query))
    return HeldElsewhere(
        view=view,
        segment_memberships=list((view or {}).get("segments", [])),
        timeline=timeline,
        notifications=list((notifications or {}).get("items", [])),
        accesses=accesses,
    )


async def _part(part: str, reading: Awaitable[T]) -> T:
    try:
        return await reading
    except OwnerDown as exc:
        raise PartMissing(part, str(exc)) from exc


async def _pages(read: Read, base: str, path: str, limit: int, params: Answer) -> list[Answer]:
    items: list[Answer] = []
    cursor: str | None = None
    while True:
        page_params = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = await read(base, path, page_params)
        if page is None:
            return items
        items += page.get("items", [])
        cursor = page.get("next_cursor")
        if not cursor:
            return items
