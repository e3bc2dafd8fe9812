"""How to reach a customer: the notifier's own fold first, else the projections' query API.

The notifier folds contacts itself (so rules see the state as of their trigger); the 360 view,
asked of the projections API, is the fallback for a customer whose contact events it has not
seen, e.g. history older than the notifier's consumer group. The view is an enrichment: if it
cannot be had, the answer is None.
"""

import httpx
from pydantic import BaseModel, ValidationError

from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.customer import Contact, contact_from_profile
from shared.events.customer import Profile
from shared.logging import get_logger

log = get_logger(__name__)


class ViewProfile(BaseModel):
    """The part of the projections' `Customer360` answer the notifier reads."""

    profile: Profile
    erased: bool = False


class ContactDirectory:
    def __init__(self, store: NotifierStore, projections: httpx.AsyncClient) -> None:
        self.store = store
        self.projections = projections

    async def __call__(self, customer_id: str) -> Contact | None:
        own = (await self.store.load_state(customer_id)).contact
        return own if own is not None else await self.from_view(customer_id)

    async def from_view(self, customer_id: str) -> Contact | None:
        try:
            response = await self.projections.get(f"/v1/customers/{customer_id}")
            if response.status_code == httpx.codes.NOT_FOUND:
                return None
            response.raise_for_status()
            view = ViewProfile.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            log.warning("customer-360 view unavailable", customer_id=customer_id, error=repr(exc))
            return None
        return contact_from_profile(view.profile, erased=view.erased)
