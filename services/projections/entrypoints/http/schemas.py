"""Answers of the query API that are not the 360 view itself."""

from datetime import datetime
from typing import Any

from pydantic import Field

from services.projections.domain.view import Public


class TimelineItem(Public):
    id: str = Field(description="the event id")
    type: str = Field(examples=["purchase", "complaint.opened", "contact.created", "sent"])
    family: str = Field(description="interaction, contact or notification")
    time: datetime
    customer_id: str = Field(description="whose event it is (a merged customer's, after a merge)")
    source: str
    summary: str
    data: dict[str, Any] | None = Field(description="the event's payload; null once erased")


class TimelinePage(Public):
    customer_id: str
    items: list[TimelineItem]
    next_cursor: str | None = Field(description="pass as `cursor` for older events")


class CustomerMatch(Public):
    customer_id: str
    name: str
    matched_id: str = Field(description="differs from customer_id when it was merged")


class SearchPage(Public):
    items: list[CustomerMatch]
    next_cursor: str | None
