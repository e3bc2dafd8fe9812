"""kill -9 of the interactions service while its ingress agent is consuming: after a restart,
every ingress event is in `c360.interactions` (nothing lost), and nothing is dead-lettered."""

import asyncio
import contextlib
from collections.abc import Callable, Iterator

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from services.interactions.entrypoints.ingress import POLL_RECORDS
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.interactions.log import eventually, ids_of, read_topic
from tests.processes import ServiceProcess, free_port, running, settings_env
from tests.unit.interactions.samples import note

pytestmark = pytest.mark.fault
EVENTS = 3_000
TAKEOVER_S = "3"  # claims of the killed process are taken over this soon


@pytest.fixture
def start_service(settings: Settings, catalog: Topics) -> Iterator[Callable[[], ServiceProcess]]:
    started: list[ServiceProcess] = []
    contacts = contextlib.ExitStack()
    contacts_url = contacts.enter_context(running(settings, "contacts"))["contacts"]

    def start() -> ServiceProcess:
        port = free_port()
        env = settings_env(
            settings,
            C360_CONTACTS_URL=contacts_url,
            C360_INTERACTIONS_PORT=str(port),
            C360_INTERACTIONS_CLAIM_TAKEOVER_SECONDS=TAKEOVER_S,
            C360_LOG_FORMAT="console",
        )
        process = ServiceProcess(
            "services.interactions", env, f"http://127.0.0.1:{port}/readyz", "interactions-kill9"
        )
        started.append(process.start())
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()
        contacts.close()


async def test_nothing_is_lost_when_the_service_is_killed_mid_consumption(
    settings: Settings, producer: AIOKafkaProducer, start_service: Callable[[], ServiceProcess]
) -> None:
    topics = Topics.from_settings(settings)
    events = [note(phone=f"0912{i % 40:07d}", text=f"event {i}") for i in range(EVENTS)]
    pending = [
        await producer.send(topics.ingress, orjson.dumps(e), key=str(i % 7).encode())
        for i, e in enumerate(events)
    ]
    await asyncio.gather(*pending)
    first = start_service()

    async def some_logged() -> bool:
        return len(await read_topic(settings, topics.interactions)) >= 300

    await eventually(some_logged, "the first events to be ingested")
    first.kill9()
    logged_at_kill = ids_of(await read_topic(settings, topics.interactions))
    assert len(logged_at_kill) < EVENTS, "killed after everything was done: nothing was tested"
    start_service()
    sent = {e["id"] for e in events}

    async def all_logged() -> bool:
        counts = ids_of(await read_topic(settings, topics.interactions))
        return sent <= counts.keys()

    await eventually(all_logged, "every ingress event in the log", within_s=180)
    counts = ids_of(await read_topic(settings, topics.interactions))
    assert set(counts) == sent
    assert await read_topic(settings, topics.deadletter) == []
    doubled = sum(1 for n in counts.values() if n > 1)
    # A copy can only come from records the killed process had published but not yet
    # receipted; readers drop it by event id. Bounded by one poll.
    assert doubled <= POLL_RECORDS, doubled
