"""KPIs of customer value: the predicted-CLV distribution and the Pareto curve of revenue."""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from services.kpis.domain.cells import day
from services.kpis.domain.contributions import CLV_BOUNDS
from services.kpis.domain.facts import Purchase
from services.kpis.domain.ranges import DateRange, picked, ratio

PARETO_STEPS = 20  # points of the curve: every 5 % of customers


def clv_distribution(cells: Mapping[str, int], window: DateRange, currency: str) -> dict[str, Any]:
    """Latest predicted 12-month CLV of the customers acquired (first purchase) in the range's
    months, as a histogram, with their mean."""
    bars: Counter[int] = Counter()
    for (scored_currency, bar), value in picked_pairs(cells, "clv", window):
        if scored_currency == currency:
            bars[int(bar)] += value
    total_value = sum(v for (c,), v in picked_pairs(cells, "clv_sum", window) if c == currency)
    customers = sum(bars.values())
    uppers = [*CLV_BOUNDS[1:], None]
    return {
        "currency": currency,
        "customers": customers,
        "mean_clv_minor": None if not customers else round(total_value / customers),
        "bars": [
            {"from_minor": low, "to_minor": high, "customers": bars[low]}
            for low, high in zip(CLV_BOUNDS, uppers, strict=True)
        ],
    }


def picked_pairs(
    cells: Mapping[str, int], kind: str, window: DateRange
) -> list[tuple[tuple[str, ...], int]]:
    return [(tuple(parts[1:]), v) for parts, v in picked(cells, kind, window)]


def pareto(revenue_per_customer: Sequence[int], currency: str) -> dict[str, Any]:
    """Customers sorted by revenue, largest first: the share of revenue that the top x % bring,
    every 5 %, and the classic figure for the top 20 %."""
    ranked = sorted((r for r in revenue_per_customer if r > 0), reverse=True)
    whole, count = sum(ranked), len(ranked)
    points = []
    for step in range(PARETO_STEPS + 1):
        top = round(count * step / PARETO_STEPS)
        points.append(
            {
                "customers_share": step / PARETO_STEPS,
                "revenue_share": ratio(sum(ranked[:top]), whole) if whole else None,
            }
        )
    top20 = sum(ranked[: round(count * 0.2)])
    return {
        "currency": currency,
        "customers": count,
        "revenue_minor": whole,
        "top_20_percent_share": ratio(top20, whole),
        "curve": points,
    }


def revenue_in(purchases: Sequence[Purchase], window: DateRange, currency: str) -> int:
    """One customer's revenue in `currency` from purchases made in the range."""
    return sum(
        p.amount_minor for p in purchases if p.currency == currency and window.holds(day(p.at))
    )
