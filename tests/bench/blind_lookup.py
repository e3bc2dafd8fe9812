"""The blind index's price on the lookup path: the HMAC per identifier, against what a lookup
pays anyway (normalising the identifier, reading its index entry by `_id` from the real store),
in the same run. Part of `make bench BENCH=privacy`."""

import time
import uuid
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.identity.normalise import normalise_identity
from shared.mongo import Document
from shared.privacy.blind import blind_index
from shared.settings import Settings
from tests.bench.common import console, percentiles

HASHES = 200_000
NORMALISED = 20_000
READS = 300
PHONES = [f"0912 {n // 10_000:03d} {n % 10_000:04d}" for n in range(1, NORMALISED + 1)]


def per_call_us(count: int, started: float) -> float:
    return (time.perf_counter() - started) / count * 1e6


async def run(settings: Settings, db: AsyncDatabase[Document]) -> dict[str, Any]:
    blind = blind_index(settings)
    keys = [f"phone:+98912{n:07d}" for n in range(HASHES)]
    started = time.perf_counter()
    ids = [blind.blind_id(k) for k in keys]
    hmac_us = per_call_us(HASHES, started)
    started = time.perf_counter()
    for phone in PHONES:
        normalise_identity("phone", phone, "IR")
    normalise_us = per_call_us(NORMALISED, started)
    index = db[f"bench_blind_index_{uuid.uuid4().hex[:8]}"]
    await index.insert_many([{"_id": i, "customer_id": "c_bench"} for i in ids[:READS]])
    reads = []
    try:
        for entry_id in ids[:READS]:
            started = time.perf_counter()
            await index.find_one({"_id": entry_id})
            reads.append(time.perf_counter() - started)
    finally:
        await index.drop()
    read_p50_us = percentiles(reads)["p50_ms"] * 1000
    result = {
        "hmac_us_per_lookup": round(hmac_us, 3),
        "normalise_phone_us": round(normalise_us, 2),
        "store_read_by_id": percentiles(reads),
        "hmac_share_of_lookup": round(hmac_us / (hmac_us + normalise_us + read_p50_us), 5),
    }
    console.print(
        f"blind index: HMAC-SHA-256 {hmac_us:.2f} µs per lookup; the lookup pays anyway"
        f" {normalise_us:.1f} µs normalising a phone and {read_p50_us:.0f} µs (p50) reading"
        f" its entry by _id: the HMAC is {result['hmac_share_of_lookup']:.3%} of it"
    )
    return result
