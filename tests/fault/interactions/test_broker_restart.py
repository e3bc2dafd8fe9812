"""The broker restarts while batches are being ingested over HTTP: every event acknowledged with
202 is in `c360.interactions` exactly once, and events answered 503 are accepted on retry."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shared.kafka import ensure_topics
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.log import ids_of, read_topic
from tests.private_stack import PrivateKafka
from tests.processes import ServiceProcess, free_port, running, settings_env
from tests.unit.interactions.samples import note

pytestmark = pytest.mark.fault
BATCHES_AFTER = 3  # per sender, once the broker is back
MAX_EVENTS = 20_000  # a bound, should the restart never finish
BATCH_SIZE = 50
SENDERS = 2
RETRY_DEADLINE_S = 180.0


@pytest.fixture
def service(settings: Settings, private_kafka: PrivateKafka) -> Iterator[tuple[str, Settings]]:
    private = settings.model_copy(update={"kafka_bootstrap": private_kafka.bootstrap})
    asyncio.run(ensure_topics(private))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(private, "contacts") as urls:
        env = settings_env(
            private,
            C360_CONTACTS_URL=urls["contacts"],
            C360_INTERACTIONS_PORT=str(port),
            C360_LOG_FORMAT="console",
        )
        process = ServiceProcess("services.interactions", env, f"{url}/readyz", "interactions")
        process.start()
        try:
            yield url, private
        finally:
            process.stop()


class Sender:
    """Sends batches and keeps retrying the events not yet accepted, recording every answer."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.accepted: dict[str, dict[str, Any]] = {}
        self.unavailable_answers = 0
        self.warmed_up = asyncio.Event()  # set once a few batches are through
        self.requests: list[tuple[float, float]] = []  # (sent at, answered at)

    async def send(self, batch: list[dict[str, Any]]) -> None:
        pending = batch
        deadline = time.monotonic() + RETRY_DEADLINE_S
        while pending and time.monotonic() < deadline:
            sent_at = time.monotonic()
            try:
                response = await self.client.post("/v1/events/batch", json=pending)
            except httpx.TransportError:
                await asyncio.sleep(0.5)
                continue
            assert response.status_code in (202, 207), response.text
            self.requests.append((sent_at, time.monotonic()))
            results = response.json()["results"]
            for result in results:
                if result["status"] == 202:
                    self.accepted[result["id"]] = result
            assert all(r["status"] in (202, 503) for r in results), results
            self.unavailable_answers += sum(r["status"] == 503 for r in results)
            pending = [e for e in pending if e["id"] not in self.accepted]
            if len(self.accepted) >= 3 * BATCH_SIZE:
                self.warmed_up.set()


async def test_every_acknowledged_event_is_logged_exactly_once_across_a_broker_restart(
    service: tuple[str, Settings], private_kafka: PrivateKafka
) -> None:
    url, settings = service
    sent: list[dict[str, Any]] = []
    restarted = asyncio.Event()
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        sender = Sender(client)

        async def keep_sending() -> None:
            """Batches before, during and after the restart (a few more once it is back)."""
            after = 0
            while after < BATCHES_AFTER and len(sent) < MAX_EVENTS:
                batch = [note(phone=f"0912{n % 97:07d}") for n in range(BATCH_SIZE)]
                sent.extend(batch)
                await sender.send(batch)
                after += restarted.is_set()

        async def restart_midway() -> float:
            await sender.warmed_up.wait()
            await asyncio.to_thread(private_kafka.stop)
            stopped_at = time.monotonic()
            await asyncio.to_thread(private_kafka.start)
            restarted.set()
            return stopped_at

        restart = asyncio.create_task(restart_midway())
        await asyncio.gather(*(keep_sending() for _ in range(SENDERS)))
        stopped_at = await restart

    ids = {e["id"] for e in sent}
    across = [(a, b) for a, b in sender.requests if a < stopped_at < b]
    assert across, "some batch was in flight while the broker was down"
    assert set(sender.accepted) == ids, "every event is accepted in the end"
    counts = ids_of(await read_topic(settings, Topics.from_settings(settings).interactions))
    doubled = {i: n for i, n in counts.items() if n != 1}
    assert doubled == {}, f"{len(doubled)} ids logged more than once"
    assert set(counts) == ids
