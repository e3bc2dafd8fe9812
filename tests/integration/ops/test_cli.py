"""The `c360` command line against the real broker and store, run as operators run it."""

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer

from services.notifier.bootstrap import build_app as build_notifier
from services.ops.health import failed_notifications, service_urls
from shared.concurrency import within
from shared.kafka import ensure_topics
from shared.settings import Settings
from shared.topics import NOTIFICATIONS_FAILED, Topics
from tests.integration.interactions.conftest import api  # the interactions app, ingress running
from tests.integration.interactions.log import eventually, ids_of, read_topic
from tests.integration.projections.harness import publish
from tests.processes import free_port, settings_env
from tests.unit.interactions.samples import note
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration
__all__ = ["api"]


async def c360(settings: Settings, *args: str, **env: str) -> tuple[int, str]:
    """Run `c360 ARGS` as a process with the test's settings; (exit code, output)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.ops.cli",
        *args,
        env={**settings_env(settings, **env), "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await within(process.communicate(), 120)
    return process.returncode or 0, output.decode()


async def test_a_dead_letter_is_listed_shown_fixed_and_replayed_once(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    topics = Topics.from_settings(settings)
    broken = note(phone="12", text="call back about the refund")
    await producer.send_and_wait(topics.ingress, orjson.dumps(broken), key=b"pbx-1")

    async def dead_lettered() -> list[str]:
        _, listing = await c360(settings, "dlq", "list")
        return [line for line in listing.splitlines() if "no_usable_identifier" in line]

    lines = await eventually(dead_lettered, "the dead letter in `c360 dlq list`")
    ref = lines[0].split()[1]
    code, shown = await c360(settings, "dlq", "show", ref)
    assert code == 0, shown
    assert "c360-error-kind: no_usable_identifier" in shown
    assert "call back about the refund" in shown

    fixed = {**broken, "data": {**broken["data"], "customer": {"phone": "+989121234567"}}}
    fixed_file = tmp_path / "fixed.json"
    fixed_file.write_bytes(orjson.dumps(fixed))
    code, replayed = await c360(settings, "dlq", "replay", ref, "--fixed", str(fixed_file))
    assert code == 0, replayed
    assert f"sent to {topics.ingress}" in replayed

    async def logged() -> bool:
        found = ids_of(await read_topic(settings, topics.interactions))
        return found.get(broken["id"], 0) >= 1

    await eventually(logged, "the fixed event on the interactions topic")
    code, again = await c360(settings, "dlq", "replay", ref, "--fixed", str(fixed_file))
    assert code == 0, again
    assert "skipped: replayed before" in again
    found = ids_of(await read_topic(settings, topics.interactions))
    assert found[broken["id"]] == 1


async def test_two_adapters_dead_letters_sharing_an_id_are_replayed_as_two_events(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    """`replayed before` names the dead letter, and ingress the event's `source` + `id`: two
    adapters' records that share an id are two dead letters and, fixed, two events."""
    topics = Topics.from_settings(settings)
    pbx = note(phone="12", source="adapters/pbx")
    shop = note(phone="12", source="adapters/shop", id=pbx["id"])
    for broken in (pbx, shop):
        await producer.send_and_wait(topics.ingress, orjson.dumps(broken), key=b"k")

    async def both_dead_lettered() -> list[str] | None:
        _, listing = await c360(settings, "dlq", "list")
        refs = [line.split()[1] for line in listing.splitlines() if "no_usable_identifier" in line]
        return refs if len(refs) == 2 else None

    refs = await eventually(both_dead_lettered, "both dead letters in `c360 dlq list`")
    for n, (ref, broken) in enumerate(zip(sorted(refs), (pbx, shop), strict=True)):
        _, shown = await c360(settings, "dlq", "show", ref)
        source = "adapters/pbx" if "adapters/pbx" in shown else "adapters/shop"
        fixed = {
            **broken,
            "source": source,
            "data": {**broken["data"], "customer": {"phone": "+989121234567"}},
        }
        path = tmp_path / f"fixed-{n}.json"
        path.write_bytes(orjson.dumps(fixed))
        code, replayed = await c360(settings, "dlq", "replay", ref, "--fixed", str(path))
        assert code == 0, replayed
        assert f"sent to {topics.ingress}" in replayed
        _, again = await c360(settings, "dlq", "replay", ref, "--fixed", str(path))
        assert "skipped: replayed before" in again

    async def both_logged() -> list[str] | None:
        records = await read_topic(settings, topics.interactions)
        sources = sorted(r.event()["source"] for r in records if r.event()["id"] == pbx["id"])
        return sources if len(sources) >= 2 else None

    assert await eventually(both_logged, "both fixed events") == ["adapters/pbx", "adapters/shop"]


async def test_status_names_what_is_down_and_shows_consumer_lag(
    api: httpx.AsyncClient, settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    await producer.send_and_wait(topics.ingress, orjson.dumps(note()), key=b"pbx-1")
    nowhere = f"http://127.0.0.1:{free_port()}"
    down = {
        f"C360_{name}_URL": nowhere
        for name in ("CONTACTS", "INTERACTIONS", "PROJECTIONS", "NOTIFIER", "ANALYTICS", "KPIS")
    }

    async def lag_shown() -> tuple[int, str] | None:
        code, output = await c360(settings, "status", **down, C360_PROJECTIONS_WORKER_PORT="1")
        return (code, output) if f"{settings.topic_prefix}c360-interactions" in output else None

    code, output = await eventually(lag_shown, "the ingress group's lag in `c360 status`")
    assert code == 1  # every service is down
    # every service plus the projection worker, whose port 1 answers nothing
    assert output.count("not reachable") == len(service_urls(settings))
    assert "Traceback" not in output
    kafka = next(line for line in output.splitlines() if " kafka " in line)
    store = next(line for line in output.splitlines() if " store " in line)
    assert "answers" in kafka
    assert "answers" in store
    assert topics.ingress in output


async def test_tail_follows_one_customer_only(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    mine, other = ev.new_customer_id(), ev.new_customer_id()
    await publish(producer, catalog.interactions, ev.call(mine, 1))
    await publish(producer, catalog.interactions, ev.purchase(other, 2, 900))
    await publish(producer, catalog.interactions, ev.purchase(mine, 3, 500))
    code, output = await c360(
        settings, "tail", "--customer", mine, "--since", since.isoformat(), "--for", "4"
    )
    assert code == 0, output
    followed = [line for line in output.splitlines() if "c360.interaction." in line]
    assert [line.split()[1] for line in followed] == [
        "c360.interaction.call",
        "c360.interaction.purchase",
    ]


async def test_a_team_key_is_rotated_shown_and_finished_from_the_command_line(
    settings: Settings, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "teams: {support: {webhook: 'http://127.0.0.1:9/support'}}\n"
        "templates: {t: {subject: s, body: b}}\n"
        "rules: [{id: r, when: {event: c360.interaction.purchase},"
        " action: {template: t, target: 'team:support'}}]\n"
    )
    app = build_notifier(settings.model_copy(update={"notifier_rules_path": str(rules)}))
    port = free_port()
    # the admin API alone: key rotation needs the store, not the stream worker
    server = uvicorn.Server(uvicorn.Config(app, port=port, lifespan="off", log_config=None))
    serving = asyncio.create_task(server.serve())
    notifier = {"C360_NOTIFIER_URL": f"http://127.0.0.1:{port}"}
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.05)
        code, rotated = await c360(settings, "webhook-key", "rotate", "support", **notifier)
        assert code == 0, rotated
        secret = rotated.strip().splitlines()[-1]
        assert secret in await app.state.keyring.signing_secrets("support")
        assert "key initial also signs until" in rotated

        code, shown = await c360(settings, "webhook-key", "show", "support", **notifier)
        assert (code, "key initial also signs until" in shown, secret in shown) == (0, True, False)

        code, finished = await c360(settings, "webhook-key", "finish", "support", **notifier)
        assert code == 0, finished
        assert await app.state.keyring.signing_secrets("support") == [secret]

        code, refused = await c360(settings, "webhook-key", "rotate", "sales", **notifier)
        assert code == 1
        assert "404: no team 'sales'" in refused
    finally:
        server.should_exit = True
        await serving


async def test_status_counts_the_notifications_that_failed_for_good(
    settings: Settings, producer: AIOKafkaProducer
) -> None:
    topics = Topics.from_settings(settings)
    nothing_yet = await failed_notifications(settings)
    await ensure_topics(settings, [NOTIFICATIONS_FAILED])
    for n in range(2):
        await producer.send_and_wait(topics.notifications_failed, b"{}", key=f"c{n}".encode())
    assert nothing_yet == 0
    assert await failed_notifications(settings) == 2
