"""A small known history of five customers and two spend reports, with every KPI's figures for
the first quarter of 2026 worked out by hand (see `EXPECTED`)."""

from datetime import date
from typing import Any

from shared.events import EventType
from tests.factories import event_dict

QUARTER = (date(2026, 1, 1), date(2026, 3, 31))
CHURN_BELOW = 0.3
Entry = tuple[str, str | None, dict[str, Any]]  # (source kind, key, CloudEvent as JSON)


def _interaction(customer: str, kind: EventType, at: str, source: str, **data: Any) -> Entry:
    body = {"customer": {"customer_id": customer}, **data}
    event = event_dict(kind, body, time=at, source=source, subject=customer)
    return ("interactions", customer, event)


def _purchase(customer: str, at: str, amount: int, source: str = "adapters/shop") -> Entry:
    order = f"{customer}-{at}"
    return _interaction(
        customer,
        EventType.PURCHASE,
        at,
        source,
        order_id=order[:64],
        amount_minor=amount,
        currency="USD",
    )


def _created(customer: str, at: str, acquisition: dict[str, str] | None = None) -> Entry:
    data: dict[str, Any] = {"customer_id": customer, "origin": "api", "profile": {}}
    if acquisition:
        data["acquisition"] = acquisition
    return ("contacts", customer, event_dict(EventType.CONTACT_CREATED, data, time=at))


def _survey(customer: str, at: str, **scores: int) -> Entry:
    return _interaction(customer, EventType.SURVEY_RESPONSE, at, "adapters/survey", **scores)


def _scored(customer: str, at: str, p_alive: float, clv: int) -> Entry:
    return (
        "analytics",
        customer,
        {
            "specversion": "1.0",
            "id": f"score-{customer}-{at}",
            "source": "services/analytics",
            "type": "c360.analytics.scored",
            "time": at,
            "subject": customer,
            "data": {
                "customer_id": customer,
                "rfm": None,
                "model_id": "m1",
                "scored_at": at,
                "clv": {
                    "p_alive": p_alive,
                    "expected_purchases_90d": 1.0,
                    "clv_12m_minor": clv,
                    "currency": "USD",
                },
            },
        },
    )


def _spend(channel: str, campaign: str | None, start: str, end: str, amount: int) -> Entry:
    data = {
        "channel": channel,
        "amount_minor": amount,
        "currency": "USD",
        "period_start": start,
        "period_end": end,
    }
    if campaign:
        data["campaign"] = campaign
    event = event_dict(EventType.MARKETING_SPEND, data, time=f"{end}T23:00:00Z")
    return ("marketing", channel, event)


WINTER = {"channel": "paid_search", "campaign": "winter"}
HISTORY: list[Entry] = [
    _created("c1", "2026-01-05T10:00:00Z", WINTER),
    _purchase("c1", "2026-01-10T10:00:00Z", 5000),
    _purchase("c1", "2026-02-15T10:00:00Z", 3000),
    _survey("c1", "2026-02-16T10:00:00Z", csat=5, nps=10),
    _purchase("c1", "2026-03-20T10:00:00Z", 2000),
    _scored("c1", "2026-03-01T00:00:00Z", 0.9, 12000),
    _scored("c1", "2026-03-25T00:00:00Z", 0.2, 3000),
    _created("c2", "2026-01-20T10:00:00Z", WINTER),
    _purchase("c2", "2026-01-25T10:00:00Z", 1000),
    _interaction(
        "c2",
        EventType.COMPLAINT_OPENED,
        "2026-02-01T10:00:00Z",
        "adapters/desk",
        complaint_id="k-2",
        severity="high",
        subject="late delivery",
        sla_due_at="2026-02-02T10:00:00Z",
    ),
    _interaction(
        "c2",
        EventType.COMPLAINT_RESOLVED,
        "2026-02-01T18:00:00Z",
        "adapters/desk",
        complaint_id="k-2",
        resolution="refunded shipping",
    ),
    _survey("c2", "2026-02-03T10:00:00Z", csat=2, nps=3),
    _scored("c2", "2026-03-01T00:00:00Z", 0.8, 30000),
    _created("c3", "2026-02-02T09:00:00Z"),
    _interaction(
        "c3",
        EventType.CALL,
        "2026-02-02T09:30:00Z",
        "adapters/pbx",
        direction="inbound",
        duration_seconds=60,
    ),
    _purchase("c3", "2026-02-10T09:00:00Z", 4000),
    _purchase("c3", "2026-02-10T15:00:00Z", 500),
    _interaction(
        "c3",
        EventType.COMPLAINT_OPENED,
        "2026-02-11T10:00:00Z",
        "adapters/desk",
        complaint_id="k-3",
        severity="low",
        subject="wrong size",
    ),
    _interaction(
        "c3",
        EventType.COMPLAINT_RESOLVED,
        "2026-02-25T10:00:00Z",
        "adapters/desk",
        complaint_id="k-3",
        resolution="exchanged",
    ),
    _survey("c3", "2026-03-01T10:00:00Z", nps=8),
    _created("c4", "2026-02-05T10:00:00Z", {"channel": "referral"}),
    _purchase("c5", "2026-03-03T10:00:00Z", 7000),
    _created("c5", "2026-03-03T10:00:05Z"),
    _spend("paid_search", "winter", "2026-01-01", "2026-01-31", 60000),
    _spend("referral", None, "2026-02-01", "2026-02-28", 10000),
]

EXPECTED: dict[str, Any] = {
    "retention": [("2026-01", 2, [2, 1, 1]), ("2026-02", 1, [1, 0]), ("2026-03", 1, [1])],
    "repeat": {"new_customers": 4, "repeat_customers": 1, "rate": 0.25},
    "conversion": {"leads": 4, "converted": 3, "rate": 0.75, "mean_days_to_convert": 6.0},
    "cac": {
        ("adapters/pbx", None): (1, {}, {}),
        ("adapters/shop", None): (1, {}, {}),
        ("paid_search", "winter"): (2, {"USD": 60000}, {"USD": 30000}),
        ("referral", None): (0, {"USD": 10000}, {"USD": None}),
    },
    "satisfaction": {
        "csat_answers": 2,
        "csat_mean": 3.5,
        "csat_satisfied_rate": 0.5,
        "nps_answers": 3,
        "nps": 0.0,
    },
    "complaints": {"opened": 2, "resolved": 2, "within_sla": 1, "rate": 0.5},
    "churn": 1,
    "clv": {"customers": 2, "mean_clv_minor": 16500, "bars": {1000: 1, 25000: 1}},
    "pareto": {"customers": 4, "revenue_minor": 22500, "top_20_percent_share": 0.4444},
}


def check_quarter(answer: Any) -> None:
    """`answer(kpi)` is the KPI's JSON for QUARTER; every figure must match EXPECTED."""
    cohorts = answer("retention")["cohorts"]
    assert [(c["cohort"], c["customers"], c["retained"]) for c in cohorts] == EXPECTED["retention"]
    assert cohorts[0]["rates"] == [1.0, 0.5, 0.5]
    for kpi, key in (
        ("repeat-purchase", "repeat"),
        ("conversion", "conversion"),
        ("satisfaction", "satisfaction"),
        ("complaints-sla", "complaints"),
    ):
        got = answer(kpi)
        assert {k: got[k] for k in EXPECTED[key]} == EXPECTED[key], kpi
    rows = answer("acquisition-cost")["channels"]
    assert {
        (r["channel"], r["campaign"]): (r["new_customers"], r["spend_minor"], r["cac_minor"])
        for r in rows
    } == EXPECTED["cac"]
    assert answer("churn")["churned"] == EXPECTED["churn"]
    clv = answer("clv")
    assert (clv["customers"], clv["mean_clv_minor"]) == (2, 16500)
    assert {b["from_minor"]: b["customers"] for b in clv["bars"] if b["customers"]} == {
        1000: 1,
        25000: 1,
    }
    pareto = answer("pareto")
    assert {k: pareto[k] for k in EXPECTED["pareto"]} == EXPECTED["pareto"]
    assert pareto["curve"][-1]["revenue_share"] == 1.0


CHANNELS = (("paid_search", "always-on"), ("instagram", "spring"), ("referral", None))


def synthetic_year(seed: int, customers: int, year: int = 2025) -> list[Entry]:
    """A year of a small shop: spend every month, customers acquired through the channels, repeat
    purchases, surveys, complaints and falling scores. Deterministic for a seed."""
    import random
    from datetime import UTC, datetime, timedelta

    rng = random.Random(seed)
    start = datetime(year, 1, 1, 9, tzinfo=UTC)
    end = datetime(year, 12, 31, 18, tzinfo=UTC)
    entries: list[Entry] = []

    def at(moment: datetime) -> str:
        return min(moment, end).isoformat()

    for month in range(1, 13):
        for channel, campaign in CHANNELS:
            first = datetime(year, month, 1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            amount = rng.randint(20, 80) * 1000
            entries.append(
                _spend(channel, campaign, first.date().isoformat(), last.date().isoformat(), amount)
            )
    for n in range(customers):
        customer = f"s{seed}-{n:04d}"
        created = start + timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 600))
        channel, campaign = rng.choice(CHANNELS)
        acquisition = {"channel": channel, **({"campaign": campaign} if campaign else {})}
        entries.append(
            _created(customer, at(created), acquisition if rng.random() < 0.85 else None)
        )
        if rng.random() < 0.2:
            continue  # a lead that never buys
        moment = created + timedelta(days=rng.randint(0, 25), hours=rng.randint(1, 8))
        while moment < end:
            entries.append(_purchase(customer, at(moment), rng.randint(5, 300) * 100))
            if rng.random() < 0.35:
                entries.append(
                    _survey(
                        customer,
                        at(moment + timedelta(days=2)),
                        csat=rng.choice((2, 3, 4, 4, 5, 5)),
                        nps=rng.choice((3, 6, 7, 8, 9, 10, 10)),
                    )
                )
            if rng.random() < 0.55:
                break
            moment += timedelta(days=rng.randint(10, 90))
        if rng.random() < 0.25:
            opened = created + timedelta(days=rng.randint(1, 30))
            complaint = f"k-{customer}"
            entries.append(
                _interaction(
                    customer,
                    EventType.COMPLAINT_OPENED,
                    at(opened),
                    "adapters/desk",
                    complaint_id=complaint,
                    severity=rng.choice(("low", "medium", "high")),
                    subject="delivery",
                )
            )
            entries.append(
                _interaction(
                    customer,
                    EventType.COMPLAINT_RESOLVED,
                    at(opened + timedelta(hours=rng.randint(2, 200))),
                    "adapters/desk",
                    complaint_id=complaint,
                    resolution="resolved",
                )
            )
        p_alive = rng.uniform(0.5, 1.0)
        for month in (6, 9, 12):
            p_alive *= rng.uniform(0.4, 1.0)
            scored = datetime(year, month, 1, tzinfo=UTC).isoformat()
            entries.append(_scored(customer, scored, round(p_alive, 3), rng.randint(0, 3000) * 100))
    return entries
