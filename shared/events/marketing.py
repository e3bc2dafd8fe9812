"""Payloads and events of marketing: `c360.marketing.*` (no customer; key = channel)."""

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from shared.events.envelope import Envelope, Payload
from shared.events.money import AmountMinor, CurrencyCode
from shared.events.text import SafeText
from shared.events.types import EventType

ChannelName = Field(min_length=1, max_length=64, examples=["paid_search", "instagram"])


class MarketingSpendData(Payload):
    """Money spent on one channel (and campaign) over a period, both days included."""

    channel: SafeText = ChannelName
    campaign: SafeText | None = Field(default=None, min_length=1, max_length=128)
    amount_minor: AmountMinor
    currency: CurrencyCode
    period_start: date
    period_end: date

    @model_validator(mode="after")
    def _period_in_order(self) -> "MarketingSpendData":
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self


class MarketingSpendReported(Envelope):
    type: Literal[EventType.MARKETING_SPEND]
    data: MarketingSpendData


MarketingEvent = MarketingSpendReported
