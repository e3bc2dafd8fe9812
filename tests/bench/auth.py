"""Access benchmark: the call-center lookup with and without authentication + audit, same run.

Two query-API processes on the same store and views, one with access control off and one with
it on (tokens from an issuer of our own, its JWKS over HTTP; every lookup audited to
`c360.audit`). Lookups alternate between them one at a time, the way one agent works, so both
see the same machine load. The audit events are then counted on the topic: none may be missing.
"""

import asyncio
import time
from typing import Any

import httpx

from shared.events import STRUCTURED_HEADERS, encode_event
from shared.kafka import ensure_topics, make_consumer, make_producer
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, percentiles
from tests.processes import running
from tests.unit.auth.issuer import LocalIssuer, serving_jwks
from tests.unit.projections import events as ev

CUSTOMERS = 50
LOOKUPS = 500


async def run(settings: Settings) -> dict[str, Any]:
    await ensure_topics(settings)
    topics = Topics.from_settings(settings)
    await seed(settings, topics)
    issuer = LocalIssuer()
    with serving_jwks(issuer) as jwks_url:
        secured = settings.model_copy(
            update={
                "auth_enabled": True,
                "auth_issuer": issuer.issuer,
                "auth_audience": issuer.audience,
                "auth_jwks_url": jwks_url,
            }
        )
        with (
            running(settings, "projections", "worker", C360_LOG_LEVEL="WARNING") as open_urls,
            running(secured, "projections", C360_LOG_LEVEL="WARNING") as secured_urls,
        ):
            token = issuer.token("agent", username="bench-agent")
            plain, guarded = await lookups(
                open_urls["projections"], secured_urls["projections"], token
            )
    audited = await count_audit(settings, topics.audit, LOOKUPS)
    result = {
        "lookups_each": LOOKUPS,
        "without_auth": percentiles(plain),
        "with_auth_and_audit": percentiles(guarded),
        "audit_events_on_topic": audited,
    }
    console.print(result)
    return result


async def seed(settings: Settings, topics: Topics) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        for n in range(CUSTOMERS):
            event = ev.created(f"c_bench{n:04d}", 0, f"Caller {n}", phones=[f"+98912{n:07d}"])
            await producer.send(
                topics.contacts,
                encode_event(event),
                key=event.subject.encode() if event.subject else None,
                headers=STRUCTURED_HEADERS,
            )
        await producer.flush()
    finally:
        await producer.stop()


async def lookups(open_url: str, secured_url: str, token: str) -> tuple[list[float], list[float]]:
    bearer = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60) as http:
        await wait_visible(http, open_url)
        plain: list[float] = []
        guarded: list[float] = []
        for i in range(LOOKUPS):
            phone = {"phone": f"+98912{i % CUSTOMERS:07d}"}
            for url, headers, samples in ((open_url, {}, plain), (secured_url, bearer, guarded)):
                began = time.perf_counter()
                answer = await http.get(f"{url}/v1/customers/lookup", params=phone, headers=headers)
                samples.append(time.perf_counter() - began)
                answer.raise_for_status()
    return plain, guarded


async def wait_visible(http: httpx.AsyncClient, url: str) -> None:
    deadline = time.monotonic() + 120
    last = f"+98912{CUSTOMERS - 1:07d}"
    while time.monotonic() < deadline:
        if (
            await http.get(f"{url}/v1/customers/lookup", params={"phone": last})
        ).status_code == 200:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the seeded customers never became visible")


async def count_audit(settings: Settings, topic: str, expected: int) -> int:
    consumer = make_consumer(settings, f"{settings.topic_prefix}bench-audit-count", topic)
    await consumer.start()
    seen = 0
    try:
        deadline = time.monotonic() + 60
        while seen < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()
    return seen
