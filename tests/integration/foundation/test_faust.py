"""A Faust agent joins its consumer group and round-trips records through the real broker."""

import sys

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import NewTopic

from shared.kafka import make_admin, make_consumer
from shared.settings import Settings
from tests.processes import ServiceProcess, free_port, settings_env

pytestmark = pytest.mark.integration


async def test_faust_agent_round_trip(settings: Settings, producer: AIOKafkaProducer) -> None:
    names = [f"{settings.topic_prefix}echo.in", f"{settings.topic_prefix}echo.out"]
    admin = make_admin(settings)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, settings.topic_partitions, 1) for n in names])
    finally:
        await admin.close()

    port = free_port()
    worker = ServiceProcess(
        "tests.integration.foundation.faust_echo",
        settings_env(settings, ECHO_WEB_PORT=str(port)),
        name="faust-echo",
    )
    worker.env["PYTHONPATH"] = ":".join(sys.path)
    worker.start()
    consumer = make_consumer(settings, f"{settings.topic_prefix}echo-check", names[1])
    await consumer.start()
    try:
        sent = {f"k{i}".encode(): f"v{i}".encode() for i in range(20)}
        for key, value in sent.items():
            await producer.send_and_wait(names[0], value, key=key)
        received: dict[bytes, bytes] = {}
        while len(received) < len(sent):
            batch = await consumer.getmany(timeout_ms=60_000)
            assert batch, f"no echo within 60 s; worker log:\n{worker.log_tail()}"
            for records in batch.values():
                received.update((r.key, r.value) for r in records)
    finally:
        await consumer.stop()
        worker.stop()
    assert received == {key: b"echo:" + value for key, value in sent.items()}
