"""`make bench [BENCH="raw ingest ..."]`: run benchmarks, print figures, save JSON.

Results go to `.c360/bench/<name>-<timestamp>.json` and `.c360/bench/latest.json`.
"""

import asyncio
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from shared.mongo import make_client
from shared.settings import Settings
from tests.bench.common import bench_settings, console, machine, stamp
from tests.infra import delete_topics, local_kafka_env

ORDER = [
    "raw",
    "contacts",
    "ingest",
    "projections",
    "notifier",
    "console",
    "segments",
    "analytics",
    "kpis",
    "auth",
    "import",
    "privacy",
    "erasure_scan",
]
ALIASES = {"import": "history_import"}  # `import` cannot name a Python module
RESULTS = Path(__file__).resolve().parents[2] / ".c360" / "bench"


def available(names: list[str]) -> list[str]:
    here = Path(__file__).parent
    return [name for name in names if (here / f"{name}.py").exists()]


async def main(requested: list[str]) -> dict[str, Any]:
    names = available([ALIASES.get(name, name) for name in requested] or ORDER)
    if "raw" not in names:
        names.insert(0, "raw")  # every ratio needs the raw limits of this same run
    report: dict[str, Any] = {"machine": machine(), "results": {}}
    for name in names:
        module = importlib.import_module(f"tests.bench.{name}")
        console.rule(f"[bold]{name}")
        # Own topics and database per benchmark, so none folds another's records; the raw
        # limits are measured once and shared (they are cached per broker and store).
        settings = bench_settings()
        try:
            report["results"][name] = await module.run(settings)
        finally:
            await clean_up(settings)
    return report


async def clean_up(settings: Settings) -> None:
    """Delete what a benchmark created: its topics and its databases. Left behind, thousands of
    partitions and dozens of databases slow the broker and the store, and every later run with
    them."""
    await asyncio.to_thread(delete_topics, settings, settings.topic_prefix)
    client = make_client(settings)
    try:
        for name in await client.list_database_names():
            if name.startswith(settings.database):
                await client.drop_database(name)
    finally:
        await client.close()


if __name__ == "__main__":
    # The local broker's super user where it requires SASL, for this process and what it starts.
    os.environ.update(local_kafka_env(Settings().kafka_bootstrap))
    report = asyncio.run(main(sys.argv[1:]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2)
    (RESULTS / f"bench-{stamp()}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(text)
    console.print(f"saved to {RESULTS / 'latest.json'}")
