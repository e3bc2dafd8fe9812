"""Segment membership changes: `c360.segment.entered` / `.exited` on `c360.segments`
(key = customer id), published by the projections service when a customer's 360 view starts or
stops matching a segment's rule.

The event id is deterministic (segment, customer, direction and what caused the change), so a
replay, a redelivered batch or a repeated back-fill republishes the same ids, never new ones.
"""

import hashlib
from typing import Literal

from pydantic import Field

from shared.events.envelope import Envelope, Payload
from shared.events.types import EventType


class SegmentMembershipData(Payload):
    segment_id: str = Field(min_length=1, max_length=64)
    segment_name: str = Field(min_length=1, max_length=200)
    customer_id: str = Field(min_length=1, max_length=64)
    cause: str = Field(
        min_length=1,
        max_length=300,
        description="what changed the membership: the log position folded last "
        "(`interactions:3:1042`), or `backfill:<rule hash>`",
    )


class SegmentEntered(Envelope):
    type: Literal[EventType.SEGMENT_ENTERED]
    data: SegmentMembershipData


class SegmentExited(Envelope):
    type: Literal[EventType.SEGMENT_EXITED]
    data: SegmentMembershipData


SegmentEvent = SegmentEntered | SegmentExited


def membership_event_id(segment_id: str, customer_id: str, entered: bool, cause: str) -> str:
    direction = "entered" if entered else "exited"
    digest = hashlib.sha256(f"{segment_id}\n{customer_id}\n{direction}\n{cause}".encode())
    return f"seg-{digest.hexdigest()[:40]}"
