"""Identifiers: link one to a contact, resolve one, or resolve an interaction's customer block."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from services.contacts.domain.resolution import ResolvedCustomer
from services.contacts.entrypoints.contacts import answer
from services.contacts.entrypoints.dependencies import CustomerId, IdentitiesDep
from services.contacts.entrypoints.schemas import (
    ContactPublic,
    FieldErrorPublic,
    IdentityLink,
    IdentityPublic,
    ResolutionPublic,
    ResolveBatch,
    ResolveBatchPublic,
)
from services.contacts.service_layer.batch_resolution import Answer, BatchResolution
from services.contacts.service_layer.resolver import IdentityResolver
from shared.events.customer import CustomerRef
from shared.events.text import SafeText

router = APIRouter(tags=["identities"])


@router.post("/v1/contacts/{customer_id}/identities", status_code=status.HTTP_201_CREATED)
async def link_identity(
    customer_id: CustomerId, body: IdentityLink, identities: IdentitiesDep, response: Response
) -> ContactPublic:
    """Link an email, phone or external id (`kind` = system, e.g. `crm`). 200 if already linked."""
    written, linked = await identities.link(customer_id, body.kind, body.value)
    if not linked:
        response.status_code = status.HTTP_200_OK
    return answer(response, written)


@router.get("/v1/identities/{kind}/{value}")
async def resolve_identity(
    kind: Annotated[SafeText, Path(max_length=32)],
    value: Annotated[SafeText, Path(max_length=320)],
    identities: IdentitiesDep,
) -> IdentityPublic:
    """Which customer an identifier belongs to (any spelling; merges are followed)."""
    identity, owner, state = await identities.owner_of(kind, value)
    return IdentityPublic(
        kind=identity.kind,
        value=identity.value,
        key=identity.key,
        customer_id=state.customer_id,
        owner_id=owner,
    )


@router.post("/v1/identities/resolve")
async def resolve_customer(ref: CustomerRef, request: Request) -> ResolvedCustomer:
    """For other services: an interaction's `customer` block -> one customer, created if new
    (`contact.created`, origin `auto`). Conflicting identifiers are recorded, never merged."""
    resolver: IdentityResolver = request.app.state.resolver
    return await resolver.resolve(ref)


@router.post("/v1/identities/resolve/batch")
async def resolve_customers(body: ResolveBatch, request: Request) -> ResolveBatchPublic:
    """Many `customer` blocks at once, answered in order: known identifiers are read in one go,
    first sightings are created together. A block whose identifiers name no customer gets an
    `error` naming the field; the others are resolved all the same."""
    batch: BatchResolution = request.app.state.batch_resolution
    answers = await batch.resolve_many(body.customers)
    return ResolveBatchPublic(results=[_resolution(a) for a in answers])


def _resolution(answer: Answer) -> ResolutionPublic:
    if isinstance(answer, ResolvedCustomer):
        return ResolutionPublic(
            customer_id=answer.customer_id,
            created=answer.created,
            conflicts=list(answer.conflicts),
        )
    return ResolutionPublic(error=FieldErrorPublic(field=answer.field, reason=answer.reason))
