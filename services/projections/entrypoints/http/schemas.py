"""Answers of the query API that are not the 360 view itself."""

from datetime import datetime
from typing import Any

from pydantic import Field

from services.projections.domain.view import Public
from shared.money import exponent


class Money(Public):
    """An amount as the API states it: integer minor units, the currency and its ISO 4217
    exponent (major = amount_minor / 10**exponent); order lines use the same currency."""

    amount_minor: int
    currency: str
    exponent: int | None = Field(description="ISO 4217 minor-unit exponent; null if none")

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> "Money | None":
        if not data or not isinstance(data.get("amount_minor"), int):
            return None
        currency = data.get("currency")
        if not isinstance(currency, str):
            return None
        return cls(
            amount_minor=data["amount_minor"], currency=currency, exponent=exponent(currency)
        )


class TimelineItem(Public):
    id: str = Field(description="the event id")
    type: str = Field(examples=["purchase", "complaint.opened", "contact.created", "sent"])
    family: str = Field(description="interaction, contact or notification")
    time: datetime
    customer_id: str = Field(description="whose event it is (a merged customer's, after a merge)")
    source: str
    summary: str
    data: dict[str, Any] | None = Field(description="the event's payload; null once erased")
    money: Money | None = Field(
        default=None,
        description="the event's amount with its currency's exponent (purchase, refund)",
        examples=[{"amount_minor": 12900, "currency": "EUR", "exponent": 2}],
    )


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
