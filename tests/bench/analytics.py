"""Analytics benchmark: CLV fit time and RFM recompute time.

- `clv_fit`: BG/NBD + Gamma-Gamma fitted on 23,500 synthetic customers shaped like a shop
  (drawn from the models themselves with CDNOW-like parameters over 78 weeks), summaries
  included; the recovered parameters are printed next to the generating ones.
- `rfm_recompute`: the RFM boundaries and every customer's scores over 100,000 purchase
  histories as pure computation; then through the service layer against the real store and
  broker (histories read from the store, scores written back, every changed customer published)
  over `C360_BENCH_RFM_STORE_CUSTOMERS` histories (10,000 by default: loading 100,000 into
  FerretDB alone takes over ten minutes on the shared 2-core machine), also as a ratio of the raw
  store upsert rate of the same run.
"""

import os
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import numpy as np

from services.analytics.adapters.history_store import MongoHistoryStore, to_document
from services.analytics.adapters.model_store import MongoModelStore, MongoScoreStore
from services.analytics.adapters.publisher import KafkaScorePublisher
from services.analytics.adapters.segments import ProjectionsSegments
from services.analytics.domain import rfm
from services.analytics.domain.history import Order, PurchaseHistory
from services.analytics.domain.model import fit_population
from services.analytics.service_layer.analysis import Analysis
from services.analytics.service_layer.scoring import Scorer, ScoringSettings
from shared.kafka import ensure_topics, make_producer
from shared.mongo import make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, raw_store_write_rate

FIT_CUSTOMERS = 23_500
RFM_CUSTOMERS = 100_000
RFM_STORE_CUSTOMERS = int(os.environ.get("C360_BENCH_RFM_STORE_CUSTOMERS", "10000"))
START = date(2025, 1, 6)
WEEKS = 78
TRUE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "gamma": 15.0}


def synthetic_shop(customers: int, seed: int = 7) -> list[dict[date, int]]:
    """Purchase days (day -> cents) drawn from BG/NBD (frequency) and Gamma-Gamma (spend);
    first purchases spread over the first 12 weeks, as in a cohort like CDNOW's."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], customers)
    dropouts = rng.beta(TRUE["a"], TRUE["b"], customers)
    spend_scale = rng.gamma(TRUE["q"], 1 / TRUE["gamma"], customers)
    starts = rng.uniform(0, 12, customers)
    histories = []
    for lam, p, nu, start in zip(rates, dropouts, spend_scale, starts, strict=True):
        weeks = [start]
        while True:  # in BG/NBD a customer may drop out after each *repeat* purchase
            nxt = weeks[-1] + rng.exponential(1 / lam)
            if nxt > WEEKS:
                break
            weeks.append(nxt)
            if rng.random() < p:
                break
        days: dict[date, int] = {}
        for w in weeks:
            day = START + timedelta(days=int(w * 7))
            days[day] = days.get(day, 0) + max(1, round(rng.gamma(TRUE["p"], 1 / nu) * 100))
        histories.append(days)
    return histories


def bench_clv_fit() -> dict[str, Any]:
    histories = synthetic_shop(FIT_CUSTOMERS)
    end = START + timedelta(weeks=WEEKS)
    started = time.perf_counter()
    model = fit_population(histories, end, "week", "USD")
    seconds = time.perf_counter() - started
    fitted = {
        "r": model.bgnbd.r,
        "alpha": model.bgnbd.alpha,
        "a": model.bgnbd.a,
        "b": model.bgnbd.b,
        "p": model.gamma_gamma.p,
        "q": model.gamma_gamma.q,
        "gamma": model.gamma_gamma.gamma,
    }
    console.print(f"CLV fit, {FIT_CUSTOMERS:,} customers: {seconds:.2f} s")
    for name, value in fitted.items():
        console.print(f"  {name}: fitted {value:.3f}, generating {TRUE[name]}")
    return {
        "customers": FIT_CUSTOMERS,
        "repeat_customers": model.repeat_customers,
        "seconds": round(seconds, 3),
        "fitted": {k: round(v, 4) for k, v in fitted.items()},
        "generating": TRUE,
    }


def as_history(i: int, days: dict[date, int]) -> PurchaseHistory:
    orders = {f"o{i}-{n}": Order(d, "USD", amount) for n, (d, amount) in enumerate(days.items())}
    return PurchaseHistory(f"c{i}", orders=orders)


def bench_rfm_pure(histories: list[PurchaseHistory], today: date) -> dict[str, Any]:
    started = time.perf_counter()
    measured = [rfm.measures(h.purchase_days("USD"), today) for h in histories]
    present = [m for m in measured if m is not None]
    bounds = rfm.boundaries(present)
    scores = [rfm.score(m, bounds) for m in present]
    seconds = time.perf_counter() - started
    console.print(f"RFM recompute (pure), {len(scores):,} histories: {seconds:.2f} s")
    return {"histories": len(scores), "seconds": round(seconds, 3)}


async def bench_rfm_service(
    settings: Settings, histories: list[PurchaseHistory], today: date
) -> dict[str, Any]:
    await ensure_topics(settings)
    client = make_client(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        db = client[settings.database]
        store = MongoHistoryStore(db, "g1")
        docs = [to_document(h) for h in histories]
        for start in range(0, len(docs), 1000):
            await store.collection.insert_many(docs[start : start + 1000], ordered=False)
        scores = MongoScoreStore(db)
        models = MongoModelStore(db)
        publisher = KafkaScorePublisher(producer, Topics.from_settings(settings).analytics)

        def clock() -> datetime:
            return datetime.combine(today, datetime.min.time(), UTC)

        scorer = Scorer(store, scores, models, publisher, clock, ScoringSettings("USD"))
        started = time.perf_counter()
        # the RFM recompute asks for no segment; the directory is wired as the service wires it
        async with httpx.AsyncClient(base_url=settings.projections_url) as projections:
            segments = ProjectionsSegments(projections)
            analysis = Analysis(store, scores, models, scorer, segments)
            overview = await analysis.recompute_rfm()
        seconds = time.perf_counter() - started
    finally:
        await producer.stop()
        await client.drop_database(settings.database)
        await client.close()
    rate = len(histories) / seconds
    raw = await raw_store_write_rate(settings)
    console.print(
        f"RFM recompute (store + broker), {len(histories):,} histories: {seconds:.1f} s, "
        f"{rate:,.0f} customers/s = {rate / raw:.3f} of the raw store upsert rate ({raw:,.0f}/s); "
        f"published {overview.published:,}"
    )
    return {
        "histories": len(histories),
        "seconds": round(seconds, 2),
        "customers_per_s": round(rate),
        "raw_store_upserts_per_s": round(raw),
        "ratio_to_raw_store": round(rate / raw, 4),
        "published": overview.published,
        "cell_sizes": overview.cell_sizes,
    }


async def run(settings: Settings) -> dict[str, Any]:
    today = START + timedelta(weeks=WEEKS)
    clv = bench_clv_fit()
    histories = [as_history(i, d) for i, d in enumerate(synthetic_shop(RFM_CUSTOMERS, seed=11))]
    pure = bench_rfm_pure(histories, today)
    service = await bench_rfm_service(settings, histories[:RFM_STORE_CUSTOMERS], today)
    return {"clv_fit": clv, "rfm_recompute_pure": pure, "rfm_recompute_service": service}
