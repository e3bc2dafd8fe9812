"""Explicit merges and unmerges, each with a recorded reason."""

from fastapi import APIRouter, Response

from services.contacts.entrypoints.contacts import answer
from services.contacts.entrypoints.dependencies import CustomerId, MergesDep
from services.contacts.entrypoints.schemas import ContactPublic, MergeRequest, UnmergeRequest

router = APIRouter(prefix="/v1/contacts", tags=["merges"])


@router.post("/merge")
async def merge_contacts(
    body: MergeRequest, merges: MergesDep, response: Response
) -> ContactPublic:
    """Merge `merged_id` into `survivor_id` (`contact.merged`, keyed by the survivor). The merged
    id keeps resolving, to the survivor; its own record is kept so the merge can be undone."""
    written = await merges.merge(body.survivor_id, body.merged_id, body.reason, body.actor)
    return answer(response, written)


@router.post("/{customer_id}/unmerge")
async def unmerge_contact(
    customer_id: CustomerId, body: UnmergeRequest, merges: MergesDep, response: Response
) -> ContactPublic:
    """Restore the merged customer `customer_id` and re-point its identifiers to it."""
    return answer(response, await merges.unmerge(customer_id, body.reason, body.actor))
