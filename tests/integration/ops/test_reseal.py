"""`c360 reseal`: events written before encryption are copied into a new topic generation sealed,
in the same partitions and order; an erased customer's come out anonymous; a copy killed half-way
is continued by the next run, every record exactly once."""

import asyncio
import re
import sys

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.ops.resealing import RESEALED_FROM
from shared.concurrency import within
from shared.events import STRUCTURED_HEADERS, ContactCreated, EventType, encode_event
from shared.kafka import ensure_topics, partitions_of
from shared.log_reading import every_record
from shared.mongo import Document
from shared.privacy.keyring import Keyring
from shared.privacy.local import keyring
from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.privacy.test_erasure_reaches_every_copy import topic_bytes
from tests.factories import make_event
from tests.integration.ops.test_cli import c360
from tests.processes import settings_env

pytestmark = pytest.mark.integration
MANY = 4_000  # enough that the first progress line comes well before the end


def created(customer_id: str, name: str) -> bytes:
    data = {"customer_id": customer_id, "profile": {"name": name}, "origin": "api"}
    return encode_event(make_event(EventType.CONTACT_CREATED, data, subject=customer_id))


async def test_plain_events_are_sealed_into_the_new_generation(
    settings: Settings, producer: AIOKafkaProducer, db: AsyncDatabase[Document]
) -> None:
    old = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}old."})
    await ensure_topics(old)
    before = Topics.from_settings(old)
    for customer, name in (("c-zahra", "Zahra Karimi"), ("c-reza", "Reza Ahmadi")):
        value = created(customer, name)
        await producer.send_and_wait(
            before.contacts, value, key=customer.encode(), headers=STRUCTURED_HEADERS
        )
    keys = keyring(settings, db)
    await keys.destroy("c-reza")  # erased after its event was written in clear

    code, output = await c360(settings, "reseal", "--from-prefix", old.topic_prefix)

    assert code == 0, output
    after = Topics.from_settings(settings)
    assert f"{after.contacts}: 2 records copied, 1 sealed" in output
    raw, _ = await topic_bytes(settings, [after.contacts])
    assert b"Zahra Karimi" not in raw
    assert b"Reza Ahmadi" not in raw
    old_raw, _ = await topic_bytes(settings, [before.contacts])
    assert b"Zahra Karimi" in old_raw  # the old generation is left for the operator to delete
    old_places = {
        c: p for c, (p, _) in (await contacts_of(settings, before.contacts, keys)).items()
    }
    assert await contacts_of(settings, after.contacts, keys) == {
        "c-zahra": (old_places["c-zahra"], "Zahra Karimi"),
        "c-reza": (old_places["c-reza"], None),  # anonymous: the key is gone
    }


async def contacts_of(
    settings: Settings, topic: str, keys: Keyring
) -> dict[str, tuple[int, str | None]]:
    """Customer id -> (partition, name as a consumer reads it) of each contact.created."""
    found: dict[str, tuple[int, str | None]] = {}
    async for r in every_record(settings, await partitions_of(settings, [topic])):
        event = await keys.decode_record(r.value, r.headers)
        assert isinstance(event, ContactCreated)
        found[event.data.customer_id] = (r.partition, event.data.profile.name)
    return found


async def test_a_reseal_killed_half_way_is_continued_and_copies_every_record_once(
    settings: Settings, producer: AIOKafkaProducer
) -> None:
    old = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}old."})
    await ensure_topics(old)
    source = Topics.from_settings(old).contacts
    for n in range(MANY):
        customer = f"c-{n % 40}"
        await producer.send(source, created(customer, f"Person {n}"), key=customer.encode())
    await producer.flush()

    await kill_after_first_progress(settings, "reseal", "--from-prefix", old.topic_prefix)
    target = Topics.from_settings(settings).contacts
    interrupted = await places(settings, target)
    copied = sum(len(v) for v in interrupted.values())
    assert 0 < copied < MANY, f"the copy was not interrupted ({copied} of {MANY} copied)"

    code, output = await c360(settings, "reseal", "--from-prefix", old.topic_prefix)

    assert code == 0, output
    assert f"{target}: {MANY - copied} records copied" in output
    begun = {p: len(v) for p, v in interrupted.items() if v}
    resumed = {
        int(p): int(o)
        for p, o in re.findall(rf"{re.escape(target)}\[(\d+)\] resumes at \S+ offset (\d+)", output)
    }
    assert resumed == begun  # each begun partition continues after its last copied record
    assert await places(settings, target) == await places(settings, source, copied=False)

    code, output = await c360(settings, "reseal", "--from-prefix", old.topic_prefix)
    assert code == 0, output
    assert f"{target}: 0 records copied" in output


async def kill_after_first_progress(settings: Settings, *args: str) -> None:
    """Run `c360 ARGS` and kill it (SIGKILL) once it says it has copied a first batch."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.ops.cli",
        *args,
        env={**settings_env(settings), "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    seen = []
    while line := (await within(process.stdout.readline(), 120)).decode():
        seen.append(line)
        if re.search(r"-> \S+: \d+ records", line):
            process.kill()
            break
    await process.wait()
    assert process.returncode == -9, "".join(seen)


async def places(
    settings: Settings, topic: str, copied: bool = True
) -> dict[int, list[tuple[bytes | None, str, int]]]:
    """Per partition, in offset order: each record's key, event id and source offset (the
    offset it was copied from, or its own in the source)."""
    found: dict[int, list[tuple[bytes | None, str, int]]] = {}
    partitions = await partitions_of(settings, [topic])
    for tp in partitions:
        found[tp.partition] = []
    async for r in every_record(settings, partitions):
        origin = dict(r.headers).get(RESEALED_FROM, b"").decode() if copied else f"::{r.offset}"
        event_id = orjson.loads(r.value)["id"]
        found[r.partition].append((r.key, event_id, int(origin.rpartition(":")[2])))
    return found


async def test_a_new_generation_holding_other_records_is_refused_with_the_partition_named(
    settings: Settings, producer: AIOKafkaProducer
) -> None:
    old = settings.model_copy(update={"topic_prefix": f"{settings.topic_prefix}old."})
    await ensure_topics(old)
    await ensure_topics(settings)
    await producer.send_and_wait(
        Topics.from_settings(old).contacts, created("c-1", "Zahra"), key=b"c-1", partition=0
    )
    target = Topics.from_settings(settings).contacts
    await producer.send_and_wait(target, created("c-2", "Reza"), key=b"c-2", partition=0)

    code, output = await c360(settings, "reseal", "--from-prefix", old.topic_prefix)

    assert code == 1, output
    assert f"{target}[0] holds records not copied from" in output
    nothing_copied = await places(settings, target, copied=False)
    assert sum(len(v) for v in nothing_copied.values()) == 1
