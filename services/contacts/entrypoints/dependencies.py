"""What routes receive: the use cases wired in `bootstrap`, and the If-Match precondition."""

from typing import Annotated

from fastapi import Depends, Header, Request

from services.contacts.service_layer.contacts import Contacts
from services.contacts.service_layer.identities import Identities
from services.contacts.service_layer.merges import Merges
from shared.http.problems import Problem


def get_contacts(request: Request) -> Contacts:
    contacts: Contacts = request.app.state.contacts
    return contacts


def get_identities(request: Request) -> Identities:
    identities: Identities = request.app.state.identities
    return identities


def get_merges(request: Request) -> Merges:
    merges: Merges = request.app.state.merges
    return merges


def if_match_version(
    if_match: Annotated[str | None, Header(description='the version from ETag, e.g. "3"')] = None,
) -> int | None:
    """The version an `If-Match` header names (`"3"`, `W/"3"`, `3`); None for absent or `*`."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise Problem(
            400,
            "If-Match must carry a version from ETag",
            errors=[{"field": "If-Match", "reason": f'{if_match!r} is not a version like "3"'}],
        )
    return int(text)


def etag(version: int) -> str:
    return f'"{version}"'


ContactsDep = Annotated[Contacts, Depends(get_contacts)]
MergesDep = Annotated[Merges, Depends(get_merges)]
IdentitiesDep = Annotated[Identities, Depends(get_identities)]
IfMatch = Annotated[int | None, Depends(if_match_version)]
