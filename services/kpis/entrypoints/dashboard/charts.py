"""Each KPI as a chart for the dashboard: KPI JSON in, SVG out, in the reader's language."""

from typing import Any

from services.kpis.entrypoints.dashboard import svg
from services.kpis.entrypoints.dashboard.i18n import Lang, digits, money, signed, text

KPI = dict[str, Any]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short(period: str, lang: Lang) -> str:
    """`2025-03` as `Mar 25` (`۰۳/۲۵` in Persian), `2025-03-07` as `03-07`: axis labels fit."""
    year, month = period[2:4], period[5:7]
    if len(period) > 7:
        return digits(period[5:], lang)
    return digits(f"{month}/{year}", lang) if lang == "fa" else f"{MONTHS[int(month) - 1]} {year}"


def periods(kpi: KPI, lang: Lang) -> list[str]:
    return [short(p["period"], lang) for p in kpi["series"]]


def new_and_repeat(kpi: KPI, lang: Lang) -> str:
    new = [p["new_customers"] for p in kpi["series"]]
    repeat = [p["repeat_customers"] for p in kpi["series"]]
    shown = [[digits(v, lang) for v in new], [digits(v, lang) for v in repeat]]
    return svg.bars(periods(kpi, lang), [new, repeat], shown)


def leads(kpi: KPI, lang: Lang) -> str:
    values = [[p["leads"] for p in kpi["series"]], [p["converted"] for p in kpi["series"]]]
    return svg.bars(periods(kpi, lang), values, [[digits(v, lang) for v in s] for s in values])


def complaints(kpi: KPI, lang: Lang) -> str:
    values = [[p["resolved"] for p in kpi["series"]], [p["within_sla"] for p in kpi["series"]]]
    return svg.bars(periods(kpi, lang), values, [[digits(v, lang) for v in s] for s in values])


def churn(kpi: KPI, lang: Lang) -> str:
    values = [[p["churned"] for p in kpi["series"]]]
    return svg.bars(periods(kpi, lang), values, [[digits(v, lang) for v in values[0]]])


def satisfaction(kpi: KPI, lang: Lang) -> str:
    """CSAT 1-5 and NPS -100..100 on one scale: NPS is drawn as (NPS + 100) / 50 + 1."""
    csat = [p["csat_mean"] for p in kpi["series"]]
    nps = [None if p["nps"] is None else (p["nps"] + 100) / 50 + 1 for p in kpi["series"]]
    ticks = [(v, digits(v, lang)) for v in (1, 2, 3, 4, 5)]
    nps_ticks = [((v + 100) / 50 + 1, signed(v, lang)) for v in (-100, -50, 0, 50, 100)]
    return svg.lines(periods(kpi, lang), [csat, nps], 1, 5, ticks, nps_ticks)


def pareto(kpi: KPI, lang: Lang) -> str:
    shares = [p["revenue_share"] for p in kpi["curve"]]
    labels = [digits(f"{round(p['customers_share'] * 100)}%", lang) for p in kpi["curve"]]
    diagonal = [p["customers_share"] for p in kpi["curve"]]
    ticks = [(v / 100, digits(f"{v}%", lang)) for v in (0, 25, 50, 75, 100)]
    return svg.lines(labels, [shares, diagonal], 0, 1, ticks)


def acquisition_cost(kpi: KPI, lang: Lang, currency: str) -> str:
    rows = []
    for row in kpi["channels"]:
        name = row["channel"] + (f" / {row['campaign']}" if row["campaign"] else "")
        cost = row["cac_minor"].get(currency)
        shown = money(cost, currency, lang) if cost is not None else text("no_spend", lang)
        rows.append((name, (cost or 0) / 100, shown))
    return svg.horizontal_bars(rows)


def clv(kpi: KPI, lang: Lang) -> str:
    labels = [digits(f"{b['from_minor'] // 100:,}+", lang) for b in kpi["bars"]]
    values = [[b["customers"] for b in kpi["bars"]]]
    return svg.bars(labels, values, [[digits(v, lang) for v in values[0]]])


def retention(kpi: KPI, lang: Lang) -> str:
    cohorts = kpi["cohorts"]
    width = max((len(c["rates"]) for c in cohorts), default=0)
    columns = [digits(f"+{k}", lang) for k in range(width)]
    rows = [
        (
            digits(f"{c['cohort']} ({c['customers']})", lang),
            c["rates"],
            [digits(f"{round(r * 100)}%", lang) if r is not None else "" for r in c["rates"]],
        )
        for c in cohorts
    ]
    return svg.heat_map(rows, columns)
