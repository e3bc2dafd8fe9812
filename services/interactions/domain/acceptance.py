"""What accepting an event means: its fingerprint, the copy that goes to the log, the answer."""

import hashlib
from dataclasses import dataclass

import orjson

from shared.events.interactions import InteractionEvent


@dataclass(frozen=True)
class Accepted:
    """The answer for an accepted event. `replayed` marks an answer repeated for a retry."""

    id: str
    customer_id: str
    position: str
    replayed: bool = False

    def public(self) -> dict[str, str]:
        """The body adapters receive: `{id, customer_id, position}`."""
        return {"id": self.id, "customer_id": self.customer_id, "position": self.position}


@dataclass(frozen=True)
class Unavailable:
    """The event could not be accepted right now (broker or store down); retrying may succeed."""

    id: str
    reason: str


def fingerprint(event: InteractionEvent) -> str:
    """A digest of the event as the adapter sent it (after validation), independent of key order
    and JSON spelling, so a retry is recognised and a reused id with new content is not."""
    canonical = orjson.dumps(event.to_json_dict(), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def stamp(event: InteractionEvent, customer_id: str) -> InteractionEvent:
    """The copy that goes to `c360.interactions`: the resolved customer as `subject` and in
    `data.customer.customer_id`, so consumers never resolve identity again."""
    customer = event.data.customer.model_copy(update={"customer_id": customer_id})
    data = event.data.model_copy(update={"customer": customer})
    return event.model_copy(update={"subject": customer_id, "data": data})
