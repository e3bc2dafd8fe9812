"""KPIs of the customer experience: CSAT and NPS over time, complaints within SLA, churn."""

from collections.abc import Mapping
from typing import Any

from services.kpis.domain.ranges import DateRange, per_period, ratio


def nps_of(promoters: int, detractors: int, answers: int) -> float | None:
    """Net promoter score, -100..100: % promoters (9-10) minus % detractors (0-6)."""
    return None if not answers else round(100 * (promoters - detractors) / answers, 1)


def satisfaction(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Per period and over the range: mean CSAT (1-5), share of CSAT 4-5, and NPS."""
    parts = {
        k: per_period(cells, k, window)
        for k in (
            "csat_n",
            "csat_sum",
            "csat_satisfied",
            "nps_n",
            "nps_promoters",
            "nps_detractors",
        )
    }

    def figures(pick: Mapping[str, int]) -> dict[str, Any]:
        return {
            "csat_answers": pick["csat_n"],
            "csat_mean": ratio(pick["csat_sum"], pick["csat_n"]),
            "csat_satisfied_rate": ratio(pick["csat_satisfied"], pick["csat_n"]),
            "nps_answers": pick["nps_n"],
            "nps": nps_of(pick["nps_promoters"], pick["nps_detractors"], pick["nps_n"]),
        }

    series = [
        {"period": p, **figures({k: v[p] for k, v in parts.items()})} for p in window.periods()
    ]
    overall = figures({k: sum(v.values()) for k, v in parts.items()})
    return {**overall, "granularity": window.granularity, "series": series}


def complaints_within_sla(cells: Mapping[str, int], window: DateRange) -> dict[str, Any]:
    """Complaints resolved in the range, and the share resolved by their SLA deadline (their own
    `sla_due_at`, else the default for their severity)."""
    resolved = per_period(cells, "complaints_resolved", window)
    in_sla = per_period(cells, "complaints_in_sla", window)
    opened = per_period(cells, "complaints_opened", window)
    series = [
        {
            "period": p,
            "opened": opened[p],
            "resolved": resolved[p],
            "within_sla": in_sla[p],
            "rate": ratio(in_sla[p], resolved[p]),
        }
        for p in window.periods()
    ]
    done, kept = sum(resolved.values()), sum(in_sla.values())
    return {
        "opened": sum(opened.values()),
        "resolved": done,
        "within_sla": kept,
        "rate": ratio(kept, done),
        "granularity": window.granularity,
        "series": series,
    }


def churn(cells: Mapping[str, int], window: DateRange, threshold: float) -> dict[str, Any]:
    """Customers whose probability of being alive fell below `threshold` in the range (a
    customer who recovers and falls again counts again)."""
    churned = per_period(cells, "churned", window)
    series = [{"period": p, "churned": churned[p]} for p in window.periods()]
    return {
        "churned": sum(churned.values()),
        "threshold": threshold,
        "granularity": window.granularity,
        "series": series,
    }
