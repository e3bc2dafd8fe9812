"""Segment benchmark: evaluation per view change (µs), and back-fill rate over 100,000 views.

- evaluation: the projector's work per changed view — the JSON view document the rules read,
  plus every segment's pre-compiled rule — over varied views, against 12 segments;
- back-fill: the real `Backfill` over `C360_BENCH_SEGMENT_VIEWS` (100,000) stored views, with
  real Kafka publishing, `C360_BENCH_SEGMENT_RUNS` (3) times, each a new segment with the same
  rule (so each run has the same changes to announce and write), against the raw limits of the
  same store in the same run: the scan rate of the same collection (measured before each run)
  and the upsert rate with 32 writers (a back-fill is a scan plus, for each customer whose
  membership changes, an acknowledged publish, a membership upsert and a guarded state write).
  Percentiles are of the time per 1,000 views (the back-fill's progress reports); the medians
  of the runs are the figures.
"""

import asyncio
import os
import random
import statistics
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.segments import BackfillJobs, KafkaSegmentEvents, Memberships
from services.projections.adapters.store import ProjectionStore, state_document
from services.projections.domain.compose import compose
from services.projections.domain.fold import apply_event
from services.projections.domain.segments import Catalog, Segment, assess
from services.projections.domain.state import CustomerState
from services.projections.domain.view import segment_document
from services.projections.service_layer.backfill import Backfill
from shared.conditions import parse_condition
from shared.kafka import ensure_topics, make_producer
from shared.mongo import Document, make_client, scan
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, percentiles, raw_store_write_rate
from tests.unit.projections import events as ev

VIEWS = int(os.environ.get("C360_BENCH_SEGMENT_VIEWS", "100000"))
RUNS = int(os.environ.get("C360_BENCH_SEGMENT_RUNS", "3"))
DISTINCT = 2_000  # distinct folded states, copied under new ids to fill the store
INSERT_BATCH = 1_000
RULES: dict[str, Any] = {
    "big-spenders": {"field": "kpis.total_spent.USD", "op": "gte", "value": 5_000},
    "frequent": {"field": "kpis.purchase_count", "op": "gte", "value": 5},
    "unhappy": {"field": "satisfaction", "op": "in", "value": ["angry", "dissatisfied"]},
    "no-complaints": {"field": "kpis.complaints_total", "op": "eq", "value": 0},
    "callers": {"field": "kpis.by_channel.phone", "op": "exists"},
    "vip-tag": {"field": "profile.tags", "op": "contains", "value": "vip"},
    "at-risk-valuable": {
        "all": [
            {"field": "analytics.rfm.cell", "op": "in", "value": ["at_risk", "cannot_lose"]},
            {"field": "analytics.clv.clv_12m_minor", "op": "gte", "value": 50_000},
        ]
    },
    "active-or-loyal": {"field": "lifecycle_stage", "op": "in", "value": ["active", "loyal"]},
    "one-off": {
        "all": [
            {"field": "kpis.purchase_count", "op": "eq", "value": 1},
            {"not": {"field": "kpis.refund_total.USD", "op": "exists"}},
        ]
    },
    "silent": {"field": "kpis.interaction_count", "op": "lt", "value": 2},
    "recent-buyers": {"field": "kpis.last_purchase_at", "op": "gte", "value": "2026-03-01T12"},
    "either": {
        "any": [
            {"field": "kpis.total_spent.USD", "op": "gte", "value": 20_000},
            {"field": "kpis.csat_average", "op": "lte", "value": 2},
        ]
    },
}


def segments() -> list[Segment]:
    now = datetime.now(UTC)
    return [
        Segment(id=i, name=i, rule=parse_condition(r), created_at=now) for i, r in RULES.items()
    ]


def folded_states(count: int) -> list[CustomerState]:
    rng = random.Random(18)
    states = []
    for _ in range(count):
        cid = ev.new_customer_id()
        state = CustomerState(customer_id=cid)
        for minute in range(rng.randrange(1, 12)):
            if rng.random() < 0.6:
                event = ev.purchase(cid, minute * 60, rng.randrange(100, 4_000))
            else:
                event = ev.call(cid, minute * 60)
            state, _ = apply_event(state, event)
        states.append(state)
    return states


def evaluation(states: list[CustomerState], catalog: Catalog) -> dict[str, Any]:
    """Per changed view: the document the rules read, then all rules (µs)."""
    documents, rules = [], []
    for state in states:
        started = time.perf_counter()
        document = segment_document(compose([state]), [state.customer_id])
        built = time.perf_counter()
        assess(catalog, state.segments, document)
        documents.append(built - started)
        rules.append(time.perf_counter() - built)
    whole = [d + r for d, r in zip(documents, rules, strict=True)]
    return {
        "per_view_change": in_microseconds(whole),
        "rules_only": in_microseconds(rules),
        "segments": len(catalog.live),
    }


def in_microseconds(samples: list[float]) -> dict[str, float]:
    return {
        k.replace("_ms", "_us"): v if k == "n" else round(v * 1000, 1)
        for k, v in percentiles(samples).items()
    }


async def fill(store: ProjectionStore, states: list[CustomerState]) -> float:
    """Insert VIEWS documents (the distinct states under fresh ids); returns docs/s."""

    async def batch(first: int) -> None:
        chunk = []
        for n in range(first, min(first + INSERT_BATCH, VIEWS)):
            state = states[n % len(states)].model_copy(update={"customer_id": f"v{n:07d}"})
            chunk.append(state_document(state))
        await store.customers.insert_many(chunk, ordered=False)

    started = time.perf_counter()
    starts = list(range(0, VIEWS, INSERT_BATCH))
    for i in range(0, len(starts), 4):
        await asyncio.gather(*(batch(s) for s in starts[i : i + 4]))
    return VIEWS / (time.perf_counter() - started)


async def raw_scan_rate(store: ProjectionStore) -> float:
    """Every view read the way the back-fill reads them (`shared.mongo.scan`), without decoding
    or judging anything."""
    started = time.perf_counter()
    seen = 0
    async for _ in scan(store.customers):
        seen += 1
    return seen / (time.perf_counter() - started)


class TimedJobs(BackfillJobs):
    """The real progress log, noting when each report (every 1,000 views) was written."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        super().__init__(db)
        self.times: list[float] = []

    async def save(self, segment_id: str, progress: Mapping[str, object]) -> None:
        self.times.append(time.perf_counter())
        await super().save(segment_id, progress)


async def backfill_once(
    store: ProjectionStore, events: KafkaSegmentEvents, run: int
) -> dict[str, Any]:
    raw_scan = await raw_scan_rate(store)
    jobs = TimedJobs(store.customers.database)
    backfill = Backfill(store, events, Memberships(store), jobs, settle_s=0)
    rule = parse_condition(RULES["big-spenders"])
    segment = Segment(id=f"big-spenders-{run}", name="big", rule=rule, created_at=datetime.now(UTC))
    started = time.perf_counter()
    progress = await backfill.run(segment)
    rate = progress.scanned / (time.perf_counter() - started)
    # the first two reports are "waiting" and "running"; then one per 1,000 views
    per_thousand = [b - a for a, b in zip(jobs.times[1:], jobs.times[2:], strict=False)]
    figures = {
        "views": progress.scanned,
        "entered": progress.entered,
        "status": progress.status,
        "views_s": round(rate),
        "raw_scan_views_s": round(raw_scan),
        "backfill_vs_raw_scan": round(rate / raw_scan, 3),
        "per_1000_views": percentiles(per_thousand),
    }
    console.print(f"  run {run}: {figures}")
    return figures


async def run(settings: Settings) -> dict[str, Any]:
    catalog = Catalog.of(segments())
    states = folded_states(DISTINCT)
    result: dict[str, Any] = {"evaluation": evaluation(states, catalog)}
    console.print(f"  evaluation: {result['evaluation']}")
    await ensure_topics(settings)
    client, producer = make_client(settings), make_producer(settings)
    await producer.start()
    db = client[settings.database]
    store = ProjectionStore(db, "g1")
    try:
        upserts = await raw_store_write_rate(settings, 1_500, clients=32)
        console.print(f"  raw upserts (32 writers) {upserts:,.0f} ops/s; filling {VIEWS:,} views")
        inserted = await fill(store, states)
        console.print(f"  inserted {inserted:,.0f} docs/s")
        events = KafkaSegmentEvents(producer, Topics.from_settings(settings).segments)
        runs = [await backfill_once(store, events, n) for n in range(1, RUNS + 1)]
        rate = statistics.median(r["views_s"] for r in runs)
        result["backfill"] = {
            "views": VIEWS,
            "runs": runs,
            "median_views_s": rate,
            "median_raw_scan_views_s": statistics.median(r["raw_scan_views_s"] for r in runs),
            "median_backfill_vs_raw_scan": statistics.median(
                r["backfill_vs_raw_scan"] for r in runs
            ),
            "raw_upsert_32_writers_ops_s": round(upserts),
            "backfill_vs_raw_upserts": round(rate / upserts, 3),
            "median_per_1000_views_p50_ms": statistics.median(
                r["per_1000_views"]["p50_ms"] for r in runs
            ),
            "median_per_1000_views_p90_ms": statistics.median(
                r["per_1000_views"]["p90_ms"] for r in runs
            ),
            "insert_docs_s": round(inserted),
        }
    finally:
        await producer.stop()
        await client.drop_database(settings.database)  # 100,000 views would slow the store
        await client.close()
    console.print(result)
    return result


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
