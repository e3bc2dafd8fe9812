"""Identity: normalised identifiers and the resolver that maps them to one customer.

The index maps `kind:value` (e.g. `phone:+989121234567`, `email:a@b.com`, `crm:123`) to a customer
id and is written with atomic insert-if-absent, so concurrent first sightings create one customer.
"""

from dataclasses import dataclass, field
from typing import Protocol

from shared.events.customer import CustomerRef


@dataclass(frozen=True)
class ResolvedCustomer:
    """The customer an event belongs to. `created` is true when this call created it; `conflicts`
    lists other customers that some of the event's identifiers point at (recorded, never merged)."""

    customer_id: str
    created: bool = False
    conflicts: tuple[str, ...] = field(default=())


class IdentityResolver(Protocol):
    async def resolve(self, ref: CustomerRef) -> ResolvedCustomer:
        """Return the existing customer for `ref`, creating one (and `contact.created`) if new.
        Raises ValueError naming the field when an identifier cannot be normalised."""
        ...
