"""What one customer adds to the aggregates: `contributions(facts) -> cells`.

The aggregates are the sum of every customer's contributions. A worker adds
`contributions(after) - contributions(before)` for each customer a batch changed, so the
aggregates always equal a from-scratch sum (the test of the kill -9 fault).
"""

from collections import Counter
from datetime import datetime, timedelta

from services.kpis.domain.cells import Cells, cell, day, escape, month
from services.kpis.domain.facts import Complaint, CustomerFacts
from shared.events.marketing import MarketingSpendData

UNKNOWN_CHANNEL = "unknown"
NO_CAMPAIGN = "-"
# The notifier's default complaint SLAs, for complaints opened without `sla_due_at`.
DEFAULT_SLA = {
    "critical": timedelta(hours=4),
    "high": timedelta(hours=24),
    "medium": timedelta(hours=72),
    "low": timedelta(days=7),
}
# Lower bounds (minor units) of the CLV histogram's bars; the last bar is open-ended.
CLV_BOUNDS = (0, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000)


def contributions(facts: CustomerFacts) -> Cells:
    cells: Cells = Counter()
    _purchases(facts, cells)
    _lead(facts, cells)
    _surveys(facts, cells)
    _complaints(facts, cells)
    _scores(facts, cells)
    return cells


def acquisition_of(facts: CustomerFacts) -> tuple[str, str]:
    """(channel, campaign): the contact's acquisition block, else its first touch's source."""
    if facts.acquisition is not None:
        return facts.acquisition.channel, facts.acquisition.campaign or NO_CAMPAIGN
    if facts.first_touch is not None:
        return facts.first_touch.source, NO_CAMPAIGN
    return UNKNOWN_CHANNEL, NO_CAMPAIGN


def _purchases(facts: CustomerFacts, cells: Cells) -> None:
    first = facts.first_purchase
    if first is None:
        return
    acquired, cohort = day(first.at), month(first.at)
    cells[cell("new", acquired)] += 1
    channel, campaign = acquisition_of(facts)
    cells[cell("acq", acquired, escape(channel), escape(campaign))] += 1
    for active in {month(p.at) for p in facts.purchases}:
        cells[cell("active", cohort, active)] += 1
    if len({day(p.at) for p in facts.purchases}) >= 2:
        cells[cell("repeat", acquired)] += 1
    for purchase in facts.purchases:
        cells[cell("orders", day(purchase.at))] += 1
        cells[cell("revenue", day(purchase.at), purchase.currency)] += purchase.amount_minor


def _lead(facts: CustomerFacts, cells: Cells) -> None:
    """A lead is a contact created before its first purchase; it converts at that purchase."""
    first = facts.first_purchase
    if facts.created_at is None or (first is not None and first.at <= facts.created_at):
        return
    created = day(facts.created_at)
    cells[cell("lead", created)] += 1
    if first is not None:
        cells[cell("converted", created)] += 1
        cells[cell("days_to_convert", created)] += (first.at - facts.created_at).days


def _surveys(facts: CustomerFacts, cells: Cells) -> None:
    for survey in facts.surveys:
        answered = day(survey.at)
        if survey.csat is not None:
            cells[cell("csat_n", answered)] += 1
            cells[cell("csat_sum", answered)] += survey.csat
            cells[cell("csat_satisfied", answered)] += survey.csat >= 4
        if survey.nps is not None:
            cells[cell("nps_n", answered)] += 1
            cells[cell("nps_promoters", answered)] += survey.nps >= 9
            cells[cell("nps_detractors", answered)] += survey.nps <= 6


def sla_due(complaint: Complaint) -> datetime | None:
    """The complaint's own deadline, else its severity's default SLA from when it was opened."""
    if complaint.sla_due_at is not None or complaint.opened_at is None:
        return complaint.sla_due_at
    allowed = DEFAULT_SLA.get(complaint.severity or "medium", DEFAULT_SLA["medium"])
    return complaint.opened_at + allowed


def _complaints(facts: CustomerFacts, cells: Cells) -> None:
    for complaint in facts.complaints:
        if complaint.opened_at is not None:
            cells[cell("complaints_opened", day(complaint.opened_at))] += 1
        if complaint.resolved_at is None:
            continue
        resolved = day(complaint.resolved_at)
        cells[cell("complaints_resolved", resolved)] += 1
        due = sla_due(complaint)
        if due is not None and complaint.resolved_at <= due:
            cells[cell("complaints_in_sla", resolved)] += 1


def _scores(facts: CustomerFacts, cells: Cells) -> None:
    for churned in facts.churned_at:
        cells[cell("churned", day(churned))] += 1
    score = facts.score
    if score is None or score.clv_minor is None or score.currency is None:
        return
    cohort = month(facts.first_purchase.at) if facts.first_purchase else "none"
    bar = max(b for b in CLV_BOUNDS if b <= max(score.clv_minor, 0))
    cells[cell("clv", cohort, score.currency, str(bar))] += 1
    cells[cell("clv_sum", cohort, score.currency)] += score.clv_minor


def spend_cells(spend: MarketingSpendData) -> Cells:
    """A spend report counts on the first day of its period."""
    campaign = escape(spend.campaign) if spend.campaign else NO_CAMPAIGN
    name = cell("spend", day(spend.period_start), escape(spend.channel), campaign, spend.currency)
    return Counter({name: spend.amount_minor})
