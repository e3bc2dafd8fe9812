"""What routes receive: the use cases wired in `bootstrap`, and the If-Match precondition."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from services.contacts.service_layer.contacts import Contacts
from services.contacts.service_layer.erasure import Erasure
from services.contacts.service_layer.identities import Identities
from services.contacts.service_layer.merges import Merges
from shared.events.text import SafeText
from shared.http.problems import Problem
from shared.privacy.owners_api import OwnersApi
from shared.privacy.subject_access import Owners

CustomerId = Annotated[
    SafeText, Path(min_length=1, max_length=64, examples=["c_01j9z8k2m4p6r8t0v2x4"])
]


@dataclass(frozen=True)
class OwnersReader:
    """The other owners of a person's data, read as the caller of this request."""

    read: OwnersApi
    where: Owners


def get_contacts(request: Request) -> Contacts:
    contacts: Contacts = request.app.state.contacts
    return contacts


def get_erasure(request: Request) -> Erasure:
    erasure: Erasure = request.app.state.erasure
    return erasure


def get_identities(request: Request) -> Identities:
    identities: Identities = request.app.state.identities
    return identities


def get_merges(request: Request) -> Merges:
    merges: Merges = request.app.state.merges
    return merges


def get_owners(request: Request) -> OwnersReader:
    api = OwnersApi(request.app.state.owners_http, request.headers.get("authorization"))
    return OwnersReader(api, request.app.state.owners)


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
ErasureDep = Annotated[Erasure, Depends(get_erasure)]
MergesDep = Annotated[Merges, Depends(get_merges)]
IdentitiesDep = Annotated[Identities, Depends(get_identities)]
IfMatch = Annotated[int | None, Depends(if_match_version)]
OwnersDep = Annotated[OwnersReader, Depends(get_owners)]
