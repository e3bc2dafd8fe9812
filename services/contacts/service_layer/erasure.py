"""Erasure (right to be forgotten), the one path: `DELETE /v1/contacts/{id}` and `c360 erase`.

The dead letters holding the person are withheld from replay first, while the contact still
knows the person's identifiers and texts: once the data key is destroyed nothing readable is left
to look for, and a dead letter replayed through ingress would create the person again. Withholding
first also means a failure leaves nothing erased, and the request can simply be made again.
"""

from dataclasses import dataclass

from services.contacts.service_layer.contacts import Contacts, Written
from services.contacts.service_layer.ports import DeadLetterShelf
from shared.privacy.retention import PlaintextExpiry, plaintext_expiry
from shared.privacy.subject import subject_from_export

HISTORY_LIMIT = 100_000


@dataclass(frozen=True)
class Erased:
    written: Written
    withheld_dead_letters: int
    plaintext: PlaintextExpiry  # adapters' copies c360 cannot encrypt, and when they are gone


class Erasure:
    def __init__(self, contacts: Contacts, dead_letters: DeadLetterShelf) -> None:
        self.contacts = contacts
        self.dead_letters = dead_letters

    async def erase(self, customer_id: str, reason: str) -> Erased:
        state = await self.contacts.erasable(customer_id)
        history = await self.contacts.history(customer_id, HISTORY_LIMIT)
        profile = state.profile.model_dump(mode="json")
        subject = subject_from_export({"contact": profile, "history": history})
        why = f"holds erased customer {customer_id}"
        withheld = await self.dead_letters.withhold(subject, why)
        written = await self.contacts.erase(customer_id, reason)
        return Erased(written, withheld, plaintext_expiry(self.contacts.store.settings))
