"""What `c360 status` reports: each service's readiness, the broker, the store, and the lag of
every c360 consumer group per partition."""

import asyncio
from dataclasses import dataclass

import httpx
from aiokafka import TopicPartition

from shared.concurrency import within
from shared.kafka import make_admin, make_reader, partitions_of
from shared.mongo import make_client, ping
from shared.settings import Settings
from shared.topics import Topics

PROBE_TIMEOUT_S = 2.0
KAFKA_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Check:
    name: str
    target: str
    ok: bool
    detail: str

    @property
    def stalled(self) -> bool:
        """A consumer of this service has lag and has committed nothing for too long."""
        return ": stalled:" in self.detail

    @property
    def state(self) -> str:
        return "ok" if self.ok else "stalled" if self.stalled else "not ready"


@dataclass(frozen=True)
class Lag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has not committed on this partition yet
    end: int

    @property
    def records(self) -> int:
        return self.end - (self.committed or 0)


def service_urls(settings: Settings) -> dict[str, str]:
    """Every c360 process and the URL of its readiness probe."""
    worker = f"http://{settings.projections_host}:{settings.projections_worker_port}"
    return {
        "contacts": settings.contacts_url,
        "interactions": settings.interactions_url,
        "projections": settings.projections_url,
        "projector": worker,
        "notifier": settings.notifier_url,
        "analytics": settings.analytics_url,
        "kpis": settings.kpis_url,
    }


async def probe_service(http: httpx.AsyncClient, name: str, base_url: str) -> Check:
    url = f"{base_url.rstrip('/')}/readyz"
    try:
        answer = await http.get(url)
    except httpx.HTTPError as exc:
        return Check(name, url, False, f"not reachable ({type(exc).__name__})")
    if answer.status_code == 200:
        return Check(name, url, True, "ready")
    try:
        failing = {k: v for k, v in answer.json().get("checks", {}).items() if v != "ok"}
    except ValueError:
        failing = {}
    detail = ", ".join(f"{k}: {v}" for k, v in failing.items()) or f"HTTP {answer.status_code}"
    return Check(name, url, False, f"not ready ({detail})")


async def probe_services(settings: Settings) -> list[Check]:
    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_S) as http:
        probes = (probe_service(http, n, u) for n, u in service_urls(settings).items())
        return list(await asyncio.gather(*probes))


async def probe_store(settings: Settings) -> Check:
    client = make_client(settings, serverSelectionTimeoutMS=int(PROBE_TIMEOUT_S * 1000))
    try:
        await ping(client)
        return Check("store", settings.mongodb_uri, True, "answers")
    except Exception as exc:  # any driver failure is reported as one line
        return Check("store", settings.mongodb_uri, False, f"not reachable ({type(exc).__name__})")
    finally:
        await client.close()


async def probe_kafka(settings: Settings) -> tuple[Check, list[Lag]]:
    """The broker answers when the lag of every group can be read from it."""
    try:
        lags = await within(consumer_lag(settings), KAFKA_TIMEOUT_S)
    except Exception as exc:  # any client failure: the broker is unusable
        detail = f"not reachable ({type(exc).__name__})"
        return Check("kafka", settings.kafka_bootstrap, False, detail), []
    return Check("kafka", settings.kafka_bootstrap, True, "answers"), lags


async def survey(settings: Settings) -> tuple[list[Check], list[Lag]]:
    """Every probe at once: services, store, broker (with the consumer-group lag)."""
    services, store, (kafka, lags) = await asyncio.gather(
        probe_services(settings), probe_store(settings), probe_kafka(settings)
    )
    return [*services, store, kafka], lags


async def consumer_lag(settings: Settings) -> list[Lag]:
    """Lag of every consumer group of this installation (named with its topic prefix)."""
    admin = make_admin(settings, request_timeout_ms=5_000)
    await admin.start()
    try:
        prefix = f"{settings.topic_prefix}c360-"
        groups = sorted(g for g, *_ in await admin.list_consumer_groups() if g.startswith(prefix))
        committed = {g: await admin.list_consumer_group_offsets(g) for g in groups}
    finally:
        await admin.close()
    partitions = sorted({tp for offsets in committed.values() for tp in offsets})
    ends = await end_offsets(settings, partitions)
    return [
        Lag(group, tp.topic, tp.partition, meta.offset if meta.offset >= 0 else None, ends[tp])
        for group, offsets in committed.items()
        for tp, meta in sorted(offsets.items())
    ]


async def end_offsets(
    settings: Settings, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    if not partitions:
        return {}
    consumer = make_reader(settings)
    await consumer.start()
    try:
        found: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return found
    finally:
        await consumer.stop()


async def failed_notifications(settings: Settings) -> int | None:
    """How many notifications failed for good: the records on `c360.notifications.failed` (kept
    for ever, so counted since the start). None when the broker cannot say."""
    topic = Topics.from_settings(settings).notifications_failed
    try:
        partitions = await within(partitions_of(settings, [topic]), KAFKA_TIMEOUT_S)
    except LookupError:
        return 0  # no topic yet: nothing ever failed
    except Exception:  # reported as unknown; the kafka check says why
        return None
    consumer = make_reader(settings)
    try:
        await within(consumer.start(), KAFKA_TIMEOUT_S)
        first: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
        ends = await end_offsets(settings, partitions)
        return sum(ends[tp] - first[tp] for tp in partitions)
    except Exception:  # reported as unknown; the kafka check says why
        return None
    finally:
        await consumer.stop()
