"""The manager's dashboard: headline figures and one chart per KPI, as one HTML page.

With authentication off the page comes whole. With it on the page is public but holds no
figures: its script signs in (code + PKCE, `shared/http/browser/session.js`) and fetches them
from `/dashboard/figures`, which only the roles allowed to see KPIs get."""

from html import escape
from typing import Any

from services.kpis.entrypoints.dashboard import charts, svg
from services.kpis.entrypoints.dashboard.i18n import Lang, digits, money, percent, signed, text

STYLE = """
body{font-family:system-ui,'Vazirmatn','Noto Sans Arabic',Tahoma,sans-serif;margin:0;
background:#f1f5f9;color:#0f172a}
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:12px 20px;background:#0f172a;
color:#fff}header h1{font-size:18px;margin:0;flex:1}header a{color:#93c5fd}
form{display:flex;gap:8px;align-items:center}input,button{font:inherit;padding:4px 6px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;
padding:16px 20px}
.tile{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 2px #0002}
.tile b{display:block;font-size:21px;margin-top:4px;white-space:nowrap}
#retention{grid-column:span 2}.tile span{color:#475569;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:16px;
padding:0 20px 24px}section{background:#fff;border-radius:8px;padding:10px 14px;
box-shadow:0 1px 2px #0002}section h2{font-size:15px;margin:4px 0 8px}
.legend{font-size:12px;color:#475569}.legend i{display:inline-block;width:10px;height:10px;
margin:0 4px;border-radius:2px}
.notice{margin:24px 20px;padding:14px 18px;background:#fff;border-radius:8px;
box-shadow:0 1px 2px #0002}.notice.refused{border-inline-start:4px solid #dc2626}
"""
NOTICES = ("forbidden", "expired", "failed")


def render(
    kpis: dict[str, Any] | None, lang: Lang, start: str, end: str, currency: str, console_url: str
) -> str:
    """The page; `kpis` None when authentication is on (the page signs in for its figures)."""
    direction = "rtl" if lang == "fa" else "ltr"
    if kpis is None:
        body = _signing_in(lang, _query(start, end, currency)) + "".join(
            f'<script src="/dashboard/assets/{name}"></script>'
            for name in ("session.js", "dashboard.js")
        )
    else:
        body = f'<main id="figures">{figures(kpis, lang, currency)}</main>'
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{text("title", lang)}</title>'
        f"<style>{STYLE}</style></head><body>"
        f"{_header(lang, start, end, currency, console_url, signs_in=kpis is None)}{body}"
        "</body></html>"
    )


def figures(kpis: dict[str, Any], lang: Lang, currency: str) -> str:
    """The headline tiles and the charts (what `/dashboard/figures` answers)."""
    return (
        f'{_tiles(kpis, lang, currency)}<div class="charts">{_charts(kpis, lang, currency)}</div>'
    )


def _signing_in(lang: Lang, query: str) -> str:
    """Where the figures will go, with what to say if they cannot come, in the page's language."""
    said = "".join(f' data-{key}="{escape(text(key, lang))}"' for key in NOTICES)
    return (
        f'<main id="figures" data-src="/dashboard/figures?{query}&amp;lang={lang}"{said}>'
        f'<p class="notice" id="notice">{text("signing_in", lang)}</p></main>'
    )


def _query(start: str, end: str, currency: str) -> str:
    return f"from={start}&amp;to={end}&amp;currency={escape(currency)}"


def _header(
    lang: Lang, start: str, end: str, currency: str, console_url: str, signs_in: bool
) -> str:
    query = _query(start, end, currency)
    other: Lang = "fa" if lang == "en" else "en"
    toggle = {"en": "English", "fa": "فارسی"}[other]
    session = (
        f'<span id="who"></span><button id="sign-out" hidden>{text("sign_out", lang)}</button>'
        if signs_in
        else ""
    )
    return (
        f'<header><h1>{text("title", lang)}</h1><form method="get" action="/dashboard">'
        f'<label>{text("from", lang)} <input type="date" name="from" value="{start}"></label>'
        f'<label>{text("to", lang)} <input type="date" name="to" value="{end}"></label>'
        f'<input type="hidden" name="currency" value="{escape(currency)}">'
        f"<button>{text('show', lang)}</button></form>"
        f'<a id="lang" href="/dashboard?{query}&amp;lang={other}" hreflang="{other}">{toggle}</a>'
        f'<a href="{escape(console_url)}">{text("console", lang)}</a>{session}</header>'
    )


def _tiles(k: dict[str, Any], lang: Lang, currency: str) -> str:
    csat = k["satisfaction"]["csat_mean"]
    nps = k["satisfaction"]["nps"]
    tiles = [
        ("new_customers", digits(k["repeat-purchase"]["new_customers"], lang)),
        ("repeat_rate", percent(k["repeat-purchase"]["rate"], lang)),
        ("conversion", percent(k["conversion"]["rate"], lang)),
        ("csat", "–" if csat is None else digits(f"{csat:.2f}", lang)),
        ("nps", "–" if nps is None else signed(nps, lang)),
        ("sla", percent(k["complaints-sla"]["rate"], lang)),
        ("churned", digits(k["churn"]["churned"], lang)),
        ("clv_mean", money(k["clv"]["mean_clv_minor"], currency, lang)),
        ("top20", percent(k["pareto"]["top_20_percent_share"], lang)),
    ]
    cells = "".join(
        f'<div class="tile" data-kpi="{key}"><span>{text(key, lang)}</span><b>{value}</b></div>'
        for key, value in tiles
    )
    return f'<div class="tiles">{cells}</div>'


def _legend(lang: Lang, *keys: str) -> str:
    colors = svg.COLORS
    items = "".join(
        f'<i style="background:{colors[n]}"></i>{text(key, lang)} ' for n, key in enumerate(keys)
    )
    return f'<div class="legend">{items}</div>'


def _note(lang: Lang, key: str) -> str:
    return f'<div class="legend">{text(key, lang)}</div>'


def _charts(k: dict[str, Any], lang: Lang, currency: str) -> str:
    sections = [
        ("retention", charts.retention(k["retention"], lang), _note(lang, "months_since")),
        (
            "new_vs_repeat",
            charts.new_and_repeat(k["repeat-purchase"], lang),
            _legend(lang, "new", "repeat"),
        ),
        (
            "satisfaction",
            charts.satisfaction(k["satisfaction"], lang),
            _legend(lang, "csat", "nps_right"),
        ),
        ("cac", charts.acquisition_cost(k["acquisition-cost"], lang, currency), ""),
        ("clv", charts.clv(k["clv"], lang), ""),
        ("pareto", charts.pareto(k["pareto"], lang), _legend(lang, "revenue_share", "equal")),
        (
            "complaints",
            charts.complaints(k["complaints-sla"], lang),
            _legend(lang, "resolved", "within_sla"),
        ),
        ("leads", charts.leads(k["conversion"], lang), _legend(lang, "lead", "converted")),
        ("churn", charts.churn(k["churn"], lang), ""),
    ]
    return "".join(
        f'<section id="{key}"><h2>{text(key, lang)}</h2>{legend}{chart}</section>'
        for key, chart, legend in sections
    )
