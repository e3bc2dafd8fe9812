"""What accepting an event means: its fingerprint, the copy that goes to the log, the answer."""

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from services.interactions.domain.rejection import Rejection
from shared.events.interactions import InteractionEvent
from shared.events.marketing import MarketingSpendReported

# What ingestion accepts: touchpoints (about a customer) and marketing spend (about no one).
Intake = InteractionEvent | MarketingSpendReported
NO_CUSTOMER = ""


@dataclass(frozen=True)
class Accepted:
    """The answer for an accepted event. `replayed` marks an answer repeated for a retry."""

    id: str
    customer_id: str
    position: str
    replayed: bool = False

    def public(self) -> dict[str, str | None]:
        """The body adapters receive: `{id, customer_id, position}` (`customer_id` null for an
        event about no customer, such as marketing spend)."""
        customer = self.customer_id or None
        return {"id": self.id, "customer_id": customer, "position": self.position}


@dataclass(frozen=True)
class Unavailable:
    """The event could not be accepted right now (broker or store down); retrying may succeed."""

    id: str
    reason: str


# What one submitted event comes to: the answer the caller gets for it.
Outcome = Accepted | Rejection | Unavailable


@dataclass(frozen=True)
class Prepared:
    """A valid event ready for acceptance: its JSON form (computed once) and its fingerprint, a
    digest independent of key order and JSON spelling, so that a retry is recognised and a
    reused id with other content is not."""

    id: str
    event: Intake
    document: dict[str, Any]
    fingerprint: str

    @property
    def key(self) -> str:
        """`source` + `id`: what makes two submissions the same event."""
        return self.event.idempotency_key

    def customer_key(self) -> bytes:
        """The `customer` block as sent: events with equal keys name the same customer."""
        return orjson.dumps(self.document["data"].get("customer"), option=orjson.OPT_SORT_KEYS)


def prepare(event: Intake) -> Prepared:
    document = event.to_json_dict()
    canonical = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    return Prepared(event.id, event, document, hashlib.sha256(canonical).hexdigest())


@dataclass(frozen=True)
class Stamped:
    """The record for `c360.interactions`: keyed by customer id, value in structured mode."""

    event_id: str
    customer_id: str
    value: bytes
    key: str = ""  # the record's key: the customer id, or the channel of a marketing spend

    @property
    def about_a_customer(self) -> bool:
        return self.customer_id != NO_CUSTOMER


def stamp(prepared: Prepared, customer_id: str) -> Stamped:
    """The event with the resolved customer as `subject` and in `data.customer.customer_id`, so
    that no consumer resolves identity again. Everything else is kept as validated. Marketing
    spend names no customer: it goes as validated, keyed by its channel."""
    document = prepared.document
    if isinstance(prepared.event, MarketingSpendReported):
        channel = prepared.event.data.channel
        return Stamped(prepared.id, NO_CUSTOMER, orjson.dumps(document), key=channel)
    data = document["data"]
    stamped = {
        **document,
        "subject": customer_id,
        "data": {**data, "customer": {**data["customer"], "customer_id": customer_id}},
    }
    return Stamped(prepared.id, customer_id, orjson.dumps(stamped), key=customer_id)
