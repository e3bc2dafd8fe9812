"""KPI benchmark: how fast the KPI worker counts the log, and how fast the KPIs are answered.

- `fold`: `python -m services.kpis` counting a synthetic year (customers, purchases, surveys,
  complaints, scores, spend) from the log until every record is in the aggregates; ratios
  against the raw producer rate and the raw store upsert rate of the same run.
- `answers`: latency of every KPI route and of the dashboard over that year, one client.
"""

import asyncio
import time
from typing import Any

import httpx

from shared.kafka import ensure_topics, make_producer
from shared.mongo import make_client
from shared.settings import Settings
from tests.bench.common import console, percentiles, raw_producer_rate, raw_store_write_rate
from tests.integration.kpis.harness import feed, wait_counted
from tests.kpis_history import synthetic_year
from tests.processes import ServiceProcess, free_port, settings_env

CUSTOMERS = 400
ROUNDS = 10
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
KPIS = (
    "retention",
    "repeat-purchase",
    "conversion",
    "acquisition-cost",
    "satisfaction",
    "complaints-sla",
    "churn",
    "clv",
    "pareto",
)


async def measure(settings: Settings) -> dict[str, Any]:
    history = synthetic_year(seed=11, customers=CUSTOMERS)
    producer = make_producer(settings)
    await producer.start()
    try:
        written = await feed(settings, producer, history)
    finally:
        await producer.stop()
    port = free_port()
    env = settings_env(settings, C360_KPIS_PORT=str(port))
    process = ServiceProcess("services.kpis", env, f"http://127.0.0.1:{port}/readyz", "kpis")
    client = make_client(settings)
    started = time.perf_counter()
    process.start()
    try:
        await wait_counted(client[settings.database], written)
        fold_s = time.perf_counter() - started
        answers = await timed_answers(f"http://127.0.0.1:{port}")
    finally:
        process.stop()
        await client.drop_database(settings.database)
        await client.close()
    return {
        "records": len(history),
        "customers": CUSTOMERS,
        "fold_s": round(fold_s, 1),
        "records_s": round(len(history) / fold_s, 1),
        "answers": answers,
    }


async def timed_answers(base: str) -> dict[str, dict[str, float]]:
    """p50/p90/p99 of each route over the year, sequential requests."""
    out: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for path in [f"/v1/kpis/{k}" for k in KPIS] + ["/dashboard"]:
            samples = []
            for _ in range(ROUNDS):
                began = time.perf_counter()
                answer = await http.get(path, params=YEAR)
                answer.raise_for_status()
                samples.append(time.perf_counter() - began)
            out[path] = percentiles(samples)
    return out


async def run(settings: Settings) -> dict[str, Any]:
    producer_rate = await raw_producer_rate(settings)
    store_rate = await raw_store_write_rate(settings)
    own = settings.model_copy(
        update={"topic_prefix": f"k{settings.topic_prefix}", "database": f"{settings.database}k"}
    )
    await ensure_topics(own)
    console.print("[bold]kpis[/] worker fold and answers ...")
    measured = await measure(own)
    console.print(f"  {measured}")
    return {
        "fold": {
            **{k: measured[k] for k in ("records", "customers", "fold_s", "records_s")},
            "ratio_to_raw_producer": round(measured["records_s"] / producer_rate, 4),
            "ratio_to_raw_store_upserts": round(measured["records_s"] / store_rate, 4),
        },
        "answers_ms": measured["answers"],
        "raw": {"producer_records_s": round(producer_rate), "store_upserts_s": round(store_rate)},
    }


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
