"""Privacy benchmark: the per-event cost of sealing personal fields, same run, with and without.

Ingestion pays `Keyring.seal_document` (the producer's path); projection pays
`Keyring.decode_record` (the consumer's path). Both are measured against the plain codec on the
same events in the same process, keys cached (the hot path), plus the cold cost of one key read
from the real store's vault (paid once per customer per cache lifetime). Lookups pay the blind
index's HMAC (`blind_lookup`).
"""

import time
from collections.abc import Callable
from typing import Any

import orjson

from shared.events import STRUCTURED_HEADERS, EventType, decode_kafka_record
from shared.events.samples import SAMPLE_DATA
from shared.mongo import make_client
from shared.privacy.local import keyring
from shared.settings import Settings
from tests.bench import blind_lookup
from tests.bench.common import console, percentiles
from tests.factories import event_dict

EVENTS = 20_000
CUSTOMERS = 200
COLD_KEYS = 300
MIX = [EventType.CALL, EventType.PURCHASE, EventType.SMS, EventType.CONTACT_CREATED]


def documents() -> list[dict[str, Any]]:
    return [
        event_dict(MIX[i % len(MIX)], SAMPLE_DATA[MIX[i % len(MIX)]], subject=f"c_{i % CUSTOMERS}")
        for i in range(EVENTS)
    ]


def per_event_us(work: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) / count * 1e6


async def run(settings: Settings) -> dict[str, Any]:
    client = make_client(settings)
    keys = keyring(settings, client[settings.database])
    try:
        docs = documents()
        for i in range(CUSTOMERS):  # warm the cache: the hot path
            await keys.key(f"c_{i}", create=True)
        plain_encode = per_event_us(lambda: [orjson.dumps(d) for d in docs], EVENTS)
        started = time.perf_counter()
        sealed = [await keys.seal_document(d) for d in docs]
        sealed_encode = (time.perf_counter() - started) / EVENTS * 1e6
        plain = [orjson.dumps(d) for d in docs]
        plain_decode = per_event_us(
            lambda: [decode_kafka_record(v, STRUCTURED_HEADERS) for v in plain], EVENTS
        )
        started = time.perf_counter()
        for value in sealed:
            await keys.decode_record(value, STRUCTURED_HEADERS)
        sealed_decode = (time.perf_counter() - started) / EVENTS * 1e6
        cold = []
        for i in range(COLD_KEYS):
            started = time.perf_counter()
            await keys.key(f"cold_{i}", create=True)
            cold.append(time.perf_counter() - started)
        blind = await blind_lookup.run(settings, client[settings.database])
    finally:
        await client.close()
    result = {
        "events": EVENTS,
        "encode_plain_us": round(plain_encode, 2),
        "encode_sealed_us": round(sealed_encode, 2),
        "encode_ratio": round(sealed_encode / plain_encode, 2),
        "decode_plain_us": round(plain_decode, 2),
        "decode_sealed_us": round(sealed_decode, 2),
        "decode_ratio": round(sealed_decode / plain_decode, 2),
        "cold_key_ms": percentiles(cold),
        "blind_index": blind,
    }
    cold_p50 = percentiles(cold)["p50_ms"]
    console.print(
        f"per event, keys cached: encode {plain_encode:.1f} µs plain vs {sealed_encode:.1f} µs"
        f" sealed (x{result['encode_ratio']}); decode {plain_decode:.1f} µs plain vs"
        f" {sealed_decode:.1f} µs opened (x{result['decode_ratio']});"
        f" a key's first read from the vault p50 {cold_p50:.2f} ms"
    )
    return result
