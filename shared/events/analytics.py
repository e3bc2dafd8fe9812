"""Scores of the analytics service: `c360.analytics.*` on `c360.analytics` (key = customer id).

One `scored` event per customer whose RFM cell or lifetime-value prediction changed. Its id is
derived from the customer, the model and a hash of the scores (`scored_event_id`), so a replay or
a refit that reaches the same scores publishes the same id and consumers apply it once.
"""

import hashlib
from enum import StrEnum
from typing import Literal

import orjson
from pydantic import AwareDatetime, Field

from shared.events.envelope import Envelope, Payload
from shared.events.types import EventType

Score = Field(ge=1, le=5)


class RfmCell(StrEnum):
    """The named RFM segments of the usual 11-cell map (rules in docs/analytics.md)."""

    CHAMPIONS = "champions"
    LOYAL = "loyal"
    POTENTIAL_LOYALIST = "potential_loyalist"
    NEW = "new"
    PROMISING = "promising"
    NEED_ATTENTION = "need_attention"
    ABOUT_TO_SLEEP = "about_to_sleep"
    AT_RISK = "at_risk"
    CANNOT_LOSE = "cannot_lose"
    HIBERNATING = "hibernating"
    LOST = "lost"


class RfmScores(Payload):
    recency: int = Score
    frequency: int = Score
    monetary: int = Score
    cell: RfmCell


class ClvScores(Payload):
    p_alive: float = Field(ge=0.0, le=1.0, description="BG/NBD probability the customer is active")
    expected_purchases_90d: float = Field(ge=0.0)
    clv_12m_minor: int = Field(ge=0, description="predicted 12-month value, minor units")
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["USD"])


class ScoredData(Payload):
    customer_id: str = Field(min_length=1, max_length=64)
    rfm: RfmScores | None = None
    clv: ClvScores | None = None
    model_id: str | None = Field(default=None, max_length=200)
    scored_at: AwareDatetime


class AnalyticsScored(Envelope):
    type: Literal[EventType.ANALYTICS_SCORED]
    data: ScoredData


AnalyticsEvent = AnalyticsScored


def scores_hash(rfm: RfmScores | None, clv: ClvScores | None) -> str:
    """A short, stable digest of the scores (not of when they were computed)."""
    scores = {
        "rfm": rfm.model_dump(mode="json") if rfm else None,
        "clv": clv.model_dump(mode="json") if clv else None,
    }
    return hashlib.sha256(orjson.dumps(scores, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def scored_event_id(
    customer_id: str, model_id: str | None, rfm: RfmScores | None, clv: ClvScores | None
) -> str:
    """Deterministic event id: the same customer, model and scores give the same id."""
    return f"scored:{customer_id}:{model_id or '-'}:{scores_hash(rfm, clv)}"
