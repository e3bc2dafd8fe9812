"""Possible duplicates recorded when one event's identifiers pointed at two customers."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.contacts.adapters.duplicates import PossibleDuplicates
from services.contacts.domain.duplicates import DuplicateStatus
from services.contacts.entrypoints.schemas import DuplicatePublic
from shared.events.text import SafeText

router = APIRouter(prefix="/v1/duplicates", tags=["duplicates"])


@router.get("")
async def list_duplicates(
    request: Request,
    customer_id: Annotated[SafeText | None, Query(max_length=64)] = None,
    status: DuplicateStatus | None = None,
) -> list[DuplicatePublic]:
    """Pairs of customers to review, newest first; merge them with `POST /v1/contacts/merge`."""
    duplicates: PossibleDuplicates = request.app.state.duplicates
    found = await duplicates.listing(customer_id)
    return [
        DuplicatePublic(**doc) for doc in found if status is None or doc["status"] == status.value
    ]
