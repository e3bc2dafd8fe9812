"""Counters and money of the 360 view, updated by one interaction at a time."""

from typing import Any

from services.projections.domain.state import Kpis, Spend, Survey, earlier, later, latest_survey
from services.projections.domain.summaries import CHANNEL_OF
from shared.events.interactions import (
    ComplaintOpened,
    InteractionEvent,
    PurchaseMade,
    RefundIssued,
    SurveyAnswered,
)


def type_key(short_name: str) -> str:
    """Stored keys may not contain '.', so `complaint.opened` is kept as `complaint_opened`."""
    return short_name.replace(".", "_")


def bump(counts: dict[str, int], key: str, by: int = 1) -> dict[str, int]:
    return {**counts, key: counts.get(key, 0) + by}


def count(kpis: Kpis, event: InteractionEvent) -> Kpis:
    """`kpis` after one more interaction."""
    short = event.type.short_name
    update: dict[str, Any] = {
        "interaction_count": kpis.interaction_count + 1,
        "by_type": bump(kpis.by_type, type_key(short)),
        "last_contact_at": later(kpis.last_contact_at, event.time),
    }
    channel = CHANNEL_OF.get(short)
    if channel is not None:
        update["by_channel"] = bump(kpis.by_channel, channel)
    update.update(_specific(kpis, event))
    return kpis.model_copy(update=update)


def _specific(kpis: Kpis, event: InteractionEvent) -> dict[str, Any]:
    match event:
        case PurchaseMade(data=d):
            spent = kpis.spend.get(d.currency, Spend())
            return {
                "spend": {
                    **kpis.spend,
                    d.currency: Spend(
                        orders=spent.orders + 1, total_minor=spent.total_minor + d.amount_minor
                    ),
                },
                "first_purchase_at": earlier(kpis.first_purchase_at, event.time),
                "last_purchase_at": later(kpis.last_purchase_at, event.time),
            }
        case RefundIssued(data=d):
            return {"refunds": bump(kpis.refunds, d.currency, d.amount_minor)}
        case ComplaintOpened():
            return {"complaints_total": kpis.complaints_total + 1}
        case SurveyAnswered(data=d):
            answer = Survey(at=event.time, event_id=event.id, csat=d.csat, nps=d.nps)
            update: dict[str, Any] = {"last_survey": latest_survey(kpis.last_survey, answer)}
            if d.csat is not None:
                update["csat_sum"] = kpis.csat_sum + d.csat
                update["csat_count"] = kpis.csat_count + 1
            if d.nps is not None:
                update["last_nps"] = latest_survey(kpis.last_nps, answer)
            return update
    return {}
