"""The answer of identity resolution: which customer a block of identifiers belongs to."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResolvedCustomer:
    """The customer an event belongs to. `created` is true when this call created it; `conflicts`
    lists other customers that some of the event's identifiers point at (recorded, never merged)."""

    customer_id: str
    created: bool = False
    conflicts: tuple[str, ...] = field(default=())
