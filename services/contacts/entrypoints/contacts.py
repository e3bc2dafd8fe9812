"""`/v1/contacts`: create, read, update, consent, history and erase a contact."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from services.contacts.entrypoints.dependencies import (
    ContactsDep,
    CustomerId,
    ErasureDep,
    IfMatch,
    etag,
)
from services.contacts.entrypoints.schemas import (
    ConsentUpdate,
    ContactCreate,
    ContactErased,
    ContactPublic,
    ContactUpdate,
)
from services.contacts.service_layer.contacts import Written
from shared.events.customer import Consent, ProfileChanges, utc_now
from shared.events.text import SafeText

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])


def answer(response: Response, written: Written, **extra: Any) -> ContactPublic:
    response.headers["ETag"] = etag(written.state.version)
    position = written.position.encode() if written.position else None
    return ContactPublic.of(written.state, position=position, **extra)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_contact(
    body: ContactCreate, contacts: ContactsDep, response: Response
) -> ContactPublic:
    """Create a customer. Identifiers are normalised; one owned by another customer is a 409."""
    written = await contacts.create(body.draft(), body.acquisition)
    response.headers["Location"] = f"/v1/contacts/{written.state.customer_id}"
    return answer(response, written)


@router.get("/{customer_id}")
async def get_contact(
    customer_id: CustomerId, contacts: ContactsDep, response: Response
) -> ContactPublic:
    """The contact; a merged id answers with its survivor (`resolved_from` names the id asked)."""
    state = await contacts.load(customer_id)
    moved = customer_id if state.customer_id != customer_id else None
    return answer(response, Written(state), resolved_from=moved)


@router.patch("/{customer_id}")
async def update_contact(
    customer_id: CustomerId,
    body: ContactUpdate,
    contacts: ContactsDep,
    if_match: IfMatch,
    response: Response,
) -> ContactPublic:
    """Change profile fields. With `If-Match: "<version>"` a stale version is refused (412)."""
    patch = ProfileChanges(**{name: getattr(body, name) for name in body.model_fields_set})
    return answer(response, await contacts.update(customer_id, patch, if_match))


@router.put("/{customer_id}/consent")
async def set_consent(
    customer_id: CustomerId,
    body: ConsentUpdate,
    contacts: ContactsDep,
    if_match: IfMatch,
    response: Response,
) -> ContactPublic:
    """Grant or withdraw one channel's consent, with its legal basis and time. With
    `If-Match: "<version>"` a stale version is refused (412)."""
    consent = Consent(
        granted=body.granted,
        legal_basis=body.legal_basis,
        at=body.at or utc_now(),
        source=body.source,
    )
    return answer(
        response, await contacts.set_consent(customer_id, body.channel, consent, if_match)
    )


@router.get("/{customer_id}/history")
async def contact_history(
    customer_id: CustomerId,
    contacts: ContactsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """The contact's own events as CloudEvents, oldest first (the newest `limit`)."""
    return await contacts.history(customer_id, limit)


@router.delete("/{customer_id}")
async def erase_contact(
    customer_id: CustomerId,
    erasure: ErasureDep,
    response: Response,
    reason: Annotated[SafeText, Query(min_length=1, max_length=500)] = "erasure requested",
) -> ContactErased:
    """Erase the personal data: dead letters holding the person are withheld from replay, then
    `contact.erased` is published and the customer's data key destroyed; a tombstone with the id
    remains. The answer says how many dead letters were withheld and when adapters' plaintext
    copies (ingress, dead letters) expire at the latest."""
    erased = await erasure.erase(customer_id, reason)
    response.headers["ETag"] = etag(erased.written.state.version)
    position = erased.written.position
    return ContactErased.of(
        erased.written.state,
        position=position.encode() if position else None,
        withheld_dead_letters=erased.withheld_dead_letters,
        plaintext_topics=erased.plaintext.topics,
        plaintext_expires_at=erased.plaintext.expires_at,
    )
