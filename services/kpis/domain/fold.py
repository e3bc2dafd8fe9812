"""`apply(facts, event) -> facts`: one customer's KPI facts, folded from their events."""

from dataclasses import dataclass, replace
from datetime import datetime

from services.kpis.domain.facts import (
    Acquisition,
    CustomerFacts,
    FirstTouch,
    Purchase,
    Score,
    Survey,
    is_from,
)
from shared.events import EventType
from shared.events.cases import FINAL_STATUSES, ComplaintStatusChanged
from shared.events.contacts import ContactCreated
from shared.events.interactions import (
    ComplaintOpened,
    ComplaintResolved,
    ComplaintUpdated,
    InteractionEvent,
    PurchaseMade,
    SurveyAnswered,
)


@dataclass(frozen=True)
class Scored:
    """What the KPIs read from `c360.analytics.scored`: the customer's latest CLV scores."""

    event_id: str
    customer_id: str
    scored_at: datetime
    p_alive: float | None
    clv_minor: int | None
    currency: str | None


CustomerEvent = InteractionEvent | ContactCreated | Scored


def apply(facts: CustomerFacts, event: CustomerEvent, churn_below: float) -> CustomerFacts:
    """The facts after `event`. Events of other kinds leave them unchanged."""
    if isinstance(event, Scored):
        return _scored(facts, event, churn_below)
    if isinstance(event, ContactCreated):
        return _created(facts, event)
    facts = _touched(facts, event)
    if isinstance(event, PurchaseMade):
        return _purchased(facts, event)
    if isinstance(event, SurveyAnswered):
        return _answered(facts, event)
    if isinstance(event, ComplaintOpened | ComplaintUpdated | ComplaintResolved):
        return _complaint(facts, event)
    if isinstance(event, ComplaintStatusChanged):
        return _case_ended(facts, event)
    return facts


def _case_ended(facts: CustomerFacts, event: ComplaintStatusChanged) -> CustomerFacts:
    """A case resolved or closed by its status counts as resolved, at the earliest such time."""
    cid = event.data.complaint_id
    if event.data.status not in FINAL_STATUSES:
        return facts
    held = next((c.resolved_at for c in facts.complaints if c.complaint_id == cid), None)
    if held is not None and held <= event.time:
        return facts
    return facts.with_complaint(cid, resolved_at=event.time)


def _created(facts: CustomerFacts, event: ContactCreated) -> CustomerFacts:
    given = event.data.acquisition
    acquisition = None if given is None else Acquisition(given.channel, given.campaign)
    return replace(facts, created_at=event.time, acquisition=acquisition)


def _touched(facts: CustomerFacts, event: InteractionEvent) -> CustomerFacts:
    touch = FirstTouch(event.time, event.id, event.source)
    if facts.first_touch is not None and facts.first_touch <= touch:
        return facts
    return replace(facts, first_touch=touch)


def _purchased(facts: CustomerFacts, event: PurchaseMade) -> CustomerFacts:
    if any(is_from(p, event.source, event.id) for p in facts.purchases):
        return facts
    data = event.data
    bought = Purchase(event.time, event.id, data.amount_minor, data.currency, event.source)
    return replace(facts, purchases=tuple(sorted((*facts.purchases, bought))))


def _answered(facts: CustomerFacts, event: SurveyAnswered) -> CustomerFacts:
    if any(is_from(s, event.source, event.id) for s in facts.surveys):
        return facts
    answer = Survey(event.time, event.id, event.data.csat, event.data.nps, event.source)
    return replace(facts, surveys=tuple(sorted((*facts.surveys, answer))))


def _complaint(
    facts: CustomerFacts, event: ComplaintOpened | ComplaintUpdated | ComplaintResolved
) -> CustomerFacts:
    data = event.data
    if isinstance(event, ComplaintOpened):
        return facts.with_complaint(
            data.complaint_id,
            opened_at=event.time,
            severity=event.data.severity.value,
            sla_due_at=event.data.sla_due_at,
        )
    if isinstance(event, ComplaintResolved):
        return facts.with_complaint(data.complaint_id, resolved_at=event.time)
    if event.type is EventType.COMPLAINT_UPDATED and event.data.severity is not None:
        return facts.with_complaint(data.complaint_id, severity=event.data.severity.value)
    return facts


def _scored(facts: CustomerFacts, event: Scored, churn_below: float) -> CustomerFacts:
    before = facts.score
    if before is not None and before.scored_at >= event.scored_at:
        return facts  # a replayed or older score
    score = Score(event.scored_at, event.p_alive, event.clv_minor, event.currency)
    churned = facts.churned_at
    was_alive = before is None or before.p_alive is None or before.p_alive >= churn_below
    if was_alive and event.p_alive is not None and event.p_alive < churn_below:
        churned = (*churned, event.scored_at)
    return replace(facts, score=score, churned_at=churned)
