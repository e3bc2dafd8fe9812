"""The dashboard's two languages: English, and Persian (right to left, Persian digits)."""

from typing import Literal

Lang = Literal["en", "fa"]
LANGS: tuple[Lang, ...] = ("en", "fa")
_PERSIAN_DIGITS = str.maketrans("0123456789.-%", "۰۱۲۳۴۵۶۷۸۹٫-٪")

LABELS: dict[str, dict[Lang, str]] = {
    "title": {"en": "c360 — KPIs", "fa": "c360 — شاخص‌های کلیدی"},
    "from": {"en": "From", "fa": "از"},
    "to": {"en": "To", "fa": "تا"},
    "show": {"en": "Show", "fa": "نمایش"},
    "console": {"en": "Console", "fa": "کنسول"},
    "new_customers": {"en": "New customers", "fa": "مشتریان جدید"},
    "repeat_rate": {"en": "Repeat-purchase rate", "fa": "نرخ خرید مجدد"},
    "conversion": {"en": "Lead conversion", "fa": "تبدیل سرنخ به مشتری"},
    "csat": {"en": "CSAT (1–5)", "fa": "رضایت مشتری (۱ تا ۵)"},
    "nps": {"en": "NPS", "fa": "خالص مروجان (NPS)"},
    "sla": {"en": "Complaints within SLA", "fa": "شکایات حل‌شده در مهلت"},
    "churned": {"en": "Churned customers", "fa": "مشتریان ریزشی"},
    "clv_mean": {"en": "Mean predicted CLV", "fa": "میانگین ارزش طول عمر"},
    "top20": {"en": "Revenue from top 20 %", "fa": "سهم درآمد ۲۰٪ برتر"},
    "retention": {"en": "Retention by monthly cohort", "fa": "نگهداشت مشتری به تفکیک ماه جذب"},
    "cohort": {"en": "cohort", "fa": "ماه جذب"},
    "months_since": {
        "en": "rows: month of first purchase (customers); columns: months since",
        "fa": "سطرها: ماه نخستین خرید (تعداد مشتری)؛ ستون‌ها: ماه‌های پس از آن",
    },
    "equal": {"en": "equal shares", "fa": "سهم برابر"},
    "revenue_share": {"en": "share of revenue", "fa": "سهم از درآمد"},
    "nps_right": {"en": "NPS (right scale)", "fa": "NPS (محور راست)"},
    "new_vs_repeat": {"en": "New and repeat customers", "fa": "مشتریان جدید و تکرارکننده"},
    "satisfaction": {"en": "CSAT and NPS over time", "fa": "رضایت و NPS در طول زمان"},
    "cac": {"en": "Acquisition cost per channel", "fa": "هزینه جذب به تفکیک کانال"},
    "clv": {"en": "Predicted 12-month CLV", "fa": "ارزش طول عمر پیش‌بینی‌شده ۱۲ ماهه"},
    "pareto": {"en": "Pareto curve of revenue", "fa": "منحنی پارتو درآمد"},
    "complaints": {"en": "Complaints resolved, within SLA", "fa": "شکایات حل‌شده و در مهلت"},
    "leads": {"en": "Leads and conversions", "fa": "سرنخ‌ها و تبدیل‌ها"},
    "churn": {"en": "Churn (p_alive below threshold)", "fa": "ریزش (احتمال فعال بودن زیر آستانه)"},
    "customers": {"en": "customers", "fa": "مشتری"},
    "revenue": {"en": "revenue", "fa": "درآمد"},
    "no_data": {"en": "no data in this range", "fa": "داده‌ای در این بازه نیست"},
    "repeat": {"en": "repeat", "fa": "تکرار"},
    "new": {"en": "new", "fa": "جدید"},
    "resolved": {"en": "resolved", "fa": "حل‌شده"},
    "within_sla": {"en": "within SLA", "fa": "در مهلت"},
    "lead": {"en": "leads", "fa": "سرنخ"},
    "converted": {"en": "converted", "fa": "تبدیل‌شده"},
    "no_spend": {"en": "no spend", "fa": "بدون هزینه"},
    "signing_in": {"en": "Signing in…", "fa": "در حال ورود…"},
    "sign_out": {"en": "Sign out", "fa": "خروج"},
    "forbidden": {
        "en": "You are signed in, but your role may not see the KPIs. "
        "Sign in as a supervisor, analyst or admin.",
        "fa": "وارد شده‌اید، اما نقش شما اجازهٔ دیدن شاخص‌ها را ندارد. "
        "با نقش سرپرست، تحلیلگر یا مدیر سامانه وارد شوید.",
    },
    "expired": {
        "en": "Your session has ended. Reload the page to sign in again.",
        "fa": "نشست شما پایان یافته است. برای ورود دوباره صفحه را بازخوانی کنید.",
    },
    "failed": {
        "en": "The figures could not be loaded. Try again in a moment.",
        "fa": "بارگیری ارقام ممکن نشد. کمی بعد دوباره امتحان کنید.",
    },
}


def text(key: str, lang: Lang) -> str:
    return LABELS[key][lang]


def digits(value: object, lang: Lang) -> str:
    """A number or label with Persian digits (and decimal and percent signs) in Persian."""
    shown = str(value)
    return shown.translate(_PERSIAN_DIGITS) if lang == "fa" else shown


def signed(value: float, lang: Lang) -> str:
    """A signed number; in Persian a left-to-right mark keeps the sign before the digits."""
    shown = digits(f"{value:+.0f}", lang)
    return f"\u200e{shown}" if lang == "fa" else shown


def percent(rate: float | None, lang: Lang) -> str:
    return "–" if rate is None else digits(f"{rate * 100:.1f}%", lang)


def money(minor: int | None, currency: str, lang: Lang) -> str:
    if minor is None:
        return "–"
    return digits(f"{minor / 100:,.2f}", lang).replace(",", "٬" if lang == "fa" else ",") + (
        f" {currency}"
    )
