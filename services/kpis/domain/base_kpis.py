"""KPIs of the customer base: retention by cohort, repeat purchase, conversion, acquisition cost.

Each takes the summed cells and a date range and answers a JSON-ready dict.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from services.kpis.domain.cells import cell, unescape
from services.kpis.domain.ranges import DateRange, per_period, picked, ratio, total


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def retention(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Cohort = month of first purchase; retained in month k = customers of the cohort with a
    purchase in the k-th month after it (k = 0 is the cohort month: everyone)."""
    last = window.end.isoformat()[:7]
    cohorts = []
    month = window.start.isoformat()[:7]
    while month <= last:
        size = cells.get(cell("active", month, month), 0)
        retained, active = [], month
        while active <= last:
            retained.append(cells.get(cell("active", month, active), 0))
            active = next_month(active)
        rates = [ratio(n, size) for n in retained]
        cohorts.append({"cohort": month, "customers": size, "retained": retained, "rates": rates})
        month = next_month(month)
    return {"cohorts": cohorts}


def repeat_purchase(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Of the customers whose first purchase falls in the range, the share that bought again on
    another day (at any time since)."""
    new, repeat = per_period(cells, "new", window), per_period(cells, "repeat", window)
    series = [
        {
            "period": p,
            "new_customers": new[p],
            "repeat_customers": repeat[p],
            "rate": ratio(repeat[p], new[p]),
        }
        for p in window.periods()
    ]
    new_total, repeat_total = sum(new.values()), sum(repeat.values())
    return {
        "new_customers": new_total,
        "repeat_customers": repeat_total,
        "rate": ratio(repeat_total, new_total),
        "granularity": window.granularity,
        "series": series,
    }


def conversion(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Leads created in the range (contacts created before any purchase) and how many of them
    have made a first purchase since, with the mean number of whole days it took."""
    leads, converted = per_period(cells, "lead", window), per_period(cells, "converted", window)
    days = total(cells, "days_to_convert", window)
    lead_total, converted_total = sum(leads.values()), sum(converted.values())
    series = [
        {
            "period": p,
            "leads": leads[p],
            "converted": converted[p],
            "rate": ratio(converted[p], leads[p]),
        }
        for p in window.periods()
    ]
    return {
        "leads": lead_total,
        "converted": converted_total,
        "rate": ratio(converted_total, lead_total),
        "mean_days_to_convert": ratio(days, converted_total),
        "granularity": window.granularity,
        "series": series,
    }


def acquisition_cost(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Per channel and campaign: spend whose period starts in the range, divided by the new
    customers (first purchase in the range) acquired through that channel and campaign."""
    new: Counter[tuple[str, str]] = Counter()
    spend: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (channel, campaign), value in _by_channel(cells, "acq", window):
        new[channel, campaign] += value
    for (channel, campaign, currency), value in _by_channel(cells, "spend", window):
        spend[channel, campaign][currency] += value
    rows = []
    for channel, campaign in sorted(set(new) | set(spend)):
        costs = spend[channel, campaign]
        customers = new[channel, campaign]
        rows.append(
            {
                "channel": channel,
                "campaign": None if campaign == "-" else campaign,
                "new_customers": customers,
                "spend_minor": dict(sorted(costs.items())),
                "cac_minor": {
                    c: (round(v / customers) if customers else None)
                    for c, v in sorted(costs.items())
                },
            }
        )
    return {"channels": rows}


def _by_channel(
    cells: Mapping[str, int], kind: str, window: DateRange
) -> list[tuple[tuple[str, ...], int]]:
    return [(tuple(unescape(p) for p in parts[1:]), v) for parts, v in picked(cells, kind, window)]
