"""How a customer feels about us and where they are in their life cycle, as of `now`.

Both are computed when the view is read, from the stored counters, so they age correctly even
when no new event arrives (a customer becomes `at_risk` by silence alone). Rules, in order:

satisfaction (the first that matches):
- angry: an open complaint of high or critical severity, an open complaint past its SLA, or a
  recent survey (within SURVEY_WINDOW) with CSAT 1 or NPS 0-3;
- dissatisfied: any other open complaint, a complaint opened within RECENT_COMPLAINT, or a recent
  survey with CSAT 2 or NPS 4-6;
- delighted: a recent survey with CSAT 5 or NPS 9-10 and no complaint opened within QUIET_PERIOD;
- satisfied: a recent survey with CSAT 4 or NPS 7-8, or CSAT 5 / NPS 9-10 with a complaint
  within QUIET_PERIOD;
- neutral: anything else (no recent survey, CSAT 3).
When an answer has both scores, CSAT decides.

lifecycle_stage (the first that matches):
- lead: never purchased;
- churned: last purchase more than CHURNED_AFTER ago;
- at_risk: last purchase more than AT_RISK_AFTER ago, or satisfaction is angry;
- loyal: at least LOYAL_ORDERS purchases;
- new: first purchase within NEW_WINDOW;
- active: everyone else.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from services.projections.domain.complaints import is_open, overdue
from services.projections.domain.state import Complaint, Kpis

SURVEY_WINDOW = timedelta(days=180)
RECENT_COMPLAINT = timedelta(days=30)
QUIET_PERIOD = timedelta(days=90)
SEVERE = frozenset({"high", "critical"})
CHURNED_AFTER = timedelta(days=365)
AT_RISK_AFTER = timedelta(days=180)
LOYAL_ORDERS = 5
NEW_WINDOW = timedelta(days=90)
COMPLAINT_WINDOWS = (RECENT_COMPLAINT, QUIET_PERIOD)


class Satisfaction(StrEnum):
    ANGRY = "angry"
    DISSATISFIED = "dissatisfied"
    NEUTRAL = "neutral"
    SATISFIED = "satisfied"
    DELIGHTED = "delighted"


class Lifecycle(StrEnum):
    LEAD = "lead"
    NEW = "new"
    ACTIVE = "active"
    LOYAL = "loyal"
    AT_RISK = "at_risk"
    CHURNED = "churned"


def score_band(kpis: Kpis, now: datetime) -> int | None:
    """The latest recent answer on one scale: 1 (worst) .. 5 (best); None without one."""
    survey = kpis.last_survey
    if survey is None or now - survey.at > SURVEY_WINDOW:
        return None
    if survey.csat is not None:
        return survey.csat
    assert survey.nps is not None  # the contract requires one of the two
    return 1 if survey.nps <= 3 else 2 if survey.nps <= 6 else 4 if survey.nps <= 8 else 5


def satisfaction(kpis: Kpis, complaints: tuple[Complaint, ...], now: datetime) -> Satisfaction:
    open_ones = [c for c in complaints if is_open(c)]
    opened = [c.opened_at for c in complaints if c.opened_at is not None]
    band = score_band(kpis, now)
    if any(c.severity in SEVERE or overdue(c, now) for c in open_ones) or band == 1:
        return Satisfaction.ANGRY
    if open_ones or any(now - t <= RECENT_COMPLAINT for t in opened) or band == 2:
        return Satisfaction.DISSATISFIED
    if band == 5 and not any(now - t <= QUIET_PERIOD for t in opened):
        return Satisfaction.DELIGHTED
    if band is not None and band >= 4:
        return Satisfaction.SATISFIED
    return Satisfaction.NEUTRAL


def lifecycle(kpis: Kpis, feeling: Satisfaction, now: datetime) -> Lifecycle:
    first, last = kpis.first_purchase_at, kpis.last_purchase_at
    if first is None or last is None:
        return Lifecycle.LEAD
    if now - last > CHURNED_AFTER:
        return Lifecycle.CHURNED
    if now - last > AT_RISK_AFTER or feeling is Satisfaction.ANGRY:
        return Lifecycle.AT_RISK
    if sum(s.orders for s in kpis.spend.values()) >= LOYAL_ORDERS:
        return Lifecycle.LOYAL
    if now - first <= NEW_WINDOW:
        return Lifecycle.NEW
    return Lifecycle.ACTIVE


def next_change(kpis: Kpis, complaints: tuple[Complaint, ...], now: datetime) -> datetime | None:
    """The instant after which a view read as of `now` may read differently by time alone (a
    window closing, an SLA passing); None when only a new event can change it. Every rule above
    (and `overdue`) flips only once `now` is past one of these instants."""
    instants = [c.opened_at + w for c in complaints if c.opened_at for w in COMPLAINT_WINDOWS]
    instants += [c.sla_due_at for c in complaints if is_open(c) and c.sla_due_at is not None]
    if kpis.last_survey is not None:
        instants.append(kpis.last_survey.at + SURVEY_WINDOW)
    if kpis.last_purchase_at is not None:
        instants += [kpis.last_purchase_at + AT_RISK_AFTER, kpis.last_purchase_at + CHURNED_AFTER]
    if kpis.first_purchase_at is not None:
        instants.append(kpis.first_purchase_at + NEW_WINDOW)
    return min((t for t in instants if t >= now), default=None)
