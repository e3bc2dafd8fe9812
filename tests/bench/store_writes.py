"""How fast the store takes a batch of document writes, by write method: the raw limit a
projection's writes are measured against, and the figures `shared.mongo.write_guarded` chose by.

For 1,000 documents of ~1 KB, sent in batches of `BATCHES` documents:
- `insert_many`: new documents, one unordered insert per batch;
- `bulk_replace_ordered` / `bulk_replace_unordered`: one `bulk_write` of `ReplaceOne` by `_id`;
- `bulk_update_unordered`: one `bulk_write` of `UpdateOne($set)` by `_id`;
- `bulk_guarded_unordered`: `ReplaceOne({_id, version}, upsert)`: a guard miss is a per-document
  duplicate-key error;
- `concurrent_replace`: a batch's `replace_one` by `_id`, all at once;
- `concurrent_guarded`: the same with the version in the filter (one round trip per guard);
- `concurrent_read_then_replace`: read the version by `_id`, then replace (two round trips);
- `read_then_bulk_replace`: every version read by `_id` at once, then one unordered bulk of
  `ReplaceOne`;
- `bulks_side_by_side`: a batch's `ReplaceOne` by `_id` as up to `shared.mongo.BULK_PARTS`
  unordered bulks at once; `guarded_bulks_side_by_side`: the same with the version in the
  filter (what `shared.mongo.replace_guarded_many` does).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pymongo import ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from shared.mongo import Document, bulk_parts, make_client
from shared.settings import Settings
from tests.bench.common import PAYLOAD_PAD, console

COUNT = 1_000
BATCHES = (100, 250, 500)
Method = Callable[[AsyncCollection[Document], list[Document]], Awaitable[None]]


def documents(run: int, version: int) -> list[Document]:
    return [
        {"_id": f"w{run}-{i}", "name": PAYLOAD_PAD, "n": i, "version": version}
        for i in range(COUNT)
    ]


async def insert_many(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    await coll.insert_many(docs, ordered=False)


async def bulk_replace_ordered(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    await coll.bulk_write([ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs])


async def bulk_replace_unordered(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    ops = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs]
    await coll.bulk_write(ops, ordered=False)


async def bulk_update_unordered(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    ops = [UpdateOne({"_id": d["_id"]}, {"$set": d}, upsert=True) for d in docs]
    await coll.bulk_write(ops, ordered=False)


async def bulk_guarded_unordered(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    ops = [ReplaceOne({"_id": d["_id"], "version": d["version"] - 1}, d, upsert=True) for d in docs]
    await coll.bulk_write(ops, ordered=False)


async def concurrent_replace(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    await asyncio.gather(*(coll.replace_one({"_id": d["_id"]}, d, upsert=True) for d in docs))


async def concurrent_guarded(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    async def one(doc: Document) -> None:
        result = await coll.replace_one({"_id": doc["_id"], "version": doc["version"] - 1}, doc)
        if result.matched_count != 1:
            raise RuntimeError(f"guard missed {doc['_id']}")

    await asyncio.gather(*(one(d) for d in docs))


async def concurrent_read_then_replace(
    coll: AsyncCollection[Document], docs: list[Document]
) -> None:
    async def one(doc: Document) -> None:
        current = await coll.find_one({"_id": doc["_id"]}, {"version": 1})
        if current is None or current["version"] != doc["version"] - 1:
            raise RuntimeError(f"guard missed {doc['_id']}")
        await coll.replace_one({"_id": doc["_id"]}, doc)

    await asyncio.gather(*(one(d) for d in docs))


async def read_then_bulk_replace(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    """`shared.mongo.replace_guarded_many` on FerretDB v1: the versions read by `_id` all at
    once, then one unordered bulk of overwrites."""
    current = await asyncio.gather(
        *(coll.find_one({"_id": d["_id"]}, {"version": 1}) for d in docs)
    )
    for doc, found in zip(docs, current, strict=True):
        if found is None or found["version"] != doc["version"] - 1:
            raise RuntimeError(f"guard missed {doc['_id']}")
    await bulk_replace_unordered(coll, docs)


async def bulks_side_by_side(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    async def bulk(part: Sequence[Document]) -> None:
        await coll.bulk_write([ReplaceOne({"_id": d["_id"]}, d) for d in part], ordered=False)

    await asyncio.gather(*(bulk(part) for part in bulk_parts(docs)))


async def guarded_bulks_side_by_side(coll: AsyncCollection[Document], docs: list[Document]) -> None:
    async def bulk(part: Sequence[Document]) -> None:
        ops = [ReplaceOne({"_id": d["_id"], "version": d["version"] - 1}, d) for d in part]
        result = await coll.bulk_write(ops, ordered=False)
        if result.matched_count != len(part):
            raise RuntimeError("a guard missed")

    await asyncio.gather(*(bulk(part) for part in bulk_parts(docs)))


UPDATES: dict[str, Method] = {
    "bulk_replace_ordered": bulk_replace_ordered,
    "bulk_replace_unordered": bulk_replace_unordered,
    "bulk_update_unordered": bulk_update_unordered,
    "bulk_guarded_unordered": bulk_guarded_unordered,
    "concurrent_replace": concurrent_replace,
    "concurrent_guarded": concurrent_guarded,
    "concurrent_read_then_replace": concurrent_read_then_replace,
    "read_then_bulk_replace": read_then_bulk_replace,
    "bulks_side_by_side": bulks_side_by_side,
    "guarded_bulks_side_by_side": guarded_bulks_side_by_side,
}


async def timed(
    coll: AsyncCollection[Document], method: Method, docs: list[Document], batch: int
) -> float:
    started = time.perf_counter()
    for first in range(0, len(docs), batch):
        await method(coll, docs[first : first + batch])
    return len(docs) / (time.perf_counter() - started)


async def write_methods(settings: Settings) -> dict[str, dict[str, int]]:
    """Documents/s of each method at each batch size: `{method: {"b100": n, ...}}`."""
    client = make_client(settings, maxPoolSize=max(BATCHES) + 10)
    figures: dict[str, dict[str, int]] = {}
    try:
        coll = client[settings.database]["raw_writes"]
        for batch in BATCHES:
            run = batch
            rate = await timed(coll, insert_many, documents(run, 1), batch)
            figures.setdefault("insert_many", {})[f"b{batch}"] = round(rate)
            for version, (name, method) in enumerate(UPDATES.items(), start=2):
                rate = await timed(coll, method, documents(run, version), batch)
                figures.setdefault(name, {})[f"b{batch}"] = round(rate)
            console.print(
                f"    batches of {batch}: "
                + ", ".join(f"{name} {by[f'b{batch}']:,}/s" for name, by in figures.items())
            )
    finally:
        await client[settings.database].drop_collection("raw_writes")
        await client.close()
    return figures


def fastest(figures: dict[str, dict[str, int]], overwrites: bool = False) -> tuple[str, int]:
    """The best method (`name@batch`) and its rate; with `overwrites`, of those that replace
    existing documents by `_id`, as a projection does (an insert only creates)."""
    return max(
        (
            (f"{name}@{size}", rate)
            for name, by in figures.items()
            if not (overwrites and name == "insert_many")
            for size, rate in by.items()
        ),
        key=lambda item: item[1],
    )


async def run(settings: Settings) -> dict[str, Any]:
    console.print("[bold]store writes[/] by method ...")
    figures = await write_methods(settings)
    best, rate = fastest(figures)
    console.print(f"  fastest: {best} {rate:,}/s")
    return {"docs_s": figures, "fastest": {"method": best, "docs_s": rate}}


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
