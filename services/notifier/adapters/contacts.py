"""How to reach a customer: the notifier's own fold first, else the projections' 360 view.

The notifier folds contacts itself (so rules see the state as of their trigger); the view is the
fallback for a customer whose contact events it has not seen, e.g. history older than the
notifier's consumer group. The view is an enrichment: if it cannot be read, the answer is None.
"""

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.customer import Contact, contact_from_profile
from services.projections.adapters.views import load_view
from shared.logging import get_logger
from shared.mongo import Document

log = get_logger(__name__)


class ContactDirectory:
    def __init__(self, store: NotifierStore, db: AsyncDatabase[Document]) -> None:
        self.store = store
        self.db = db

    async def __call__(self, customer_id: str) -> Contact | None:
        own = (await self.store.load_state(customer_id)).contact
        return own if own is not None else await self.from_view(customer_id)

    async def from_view(self, customer_id: str) -> Contact | None:
        try:
            view = await load_view(self.db, customer_id)
        except (PyMongoError, ValueError) as exc:
            log.warning("customer-360 view unreadable", customer_id=customer_id, error=repr(exc))
            return None
        if view is None:
            return None
        return contact_from_profile(view.profile, erased=view.erased)
