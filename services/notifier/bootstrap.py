"""Wiring: real adapters in, the notifier's FastAPI app (admin API + stream worker) out.

Nothing connects at import time; `build_app` reads the rules first, so an invalid rules file
stops the process before it touches Kafka or the store.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.notifier.adapters.channels import (
    EmailChannel,
    SigningKeys,
    SmsChannel,
    WebhookChannel,
)
from services.notifier.adapters.contacts import ContactDirectory
from services.notifier.adapters.outcomes import Outcomes
from services.notifier.adapters.rules_file import read_rules, rules_path
from services.notifier.adapters.store import NotifierStore
from services.notifier.adapters.webhook_keys import MongoTeamKeys
from services.notifier.domain.rules import RulesFile
from services.notifier.entrypoints.http import notifications, rules, webhook_keys
from services.notifier.entrypoints.worker import notifier_runner, run_worker
from services.notifier.service_layer.delivery import Deliverer, utc_now
from services.notifier.service_layer.ports import Channel
from services.notifier.service_layer.processing import Notifier
from services.notifier.service_layer.timers import TimerRunner
from services.notifier.service_layer.webhook_keys import Keyring
from shared.auth import access_from_settings
from shared.consuming import BatchRunner
from shared.http.app import create_app
from shared.kafka import check_producer, ensure_topics, make_producer
from shared.logging import get_logger
from shared.mongo import database, make_client, ping
from shared.privacy.local import keyring as data_keyring
from shared.settings import Settings
from shared.topics import (
    CONTACTS,
    DEADLETTER,
    INTERACTIONS,
    NOTIFICATIONS,
    NOTIFICATIONS_FAILED,
    SEGMENTS,
    Topics,
)

# The projections API is a fallback for customers the notifier has not folded: a slow answer
# delays one delivery, so it gets little time.
PROJECTIONS_TIMEOUT_S = 5.0

log = get_logger(__name__)


def make_channels(
    ruleset: RulesFile, keys: SigningKeys, http: httpx.AsyncClient
) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"webhook": WebhookChannel(http, keys)}
    if ruleset.channels.email is not None:
        channels["email"] = EmailChannel(ruleset.channels.email)
    if ruleset.channels.sms is not None:
        channels["sms"] = SmsChannel(http, ruleset.channels.sms)
    return channels


@dataclass
class Runtime:
    """What exists only while the app runs (aiokafka needs a running loop to be created)."""

    producer: AIOKafkaProducer | None = None
    worker_task: asyncio.Task[None] | None = None
    runner: BatchRunner | None = None

    async def kafka_ready(self) -> None:
        if self.producer is None:
            raise RuntimeError("the Kafka producer is not started")
        await check_producer(self.producer)

    async def worker_alive(self) -> None:
        if self.worker_task is None or self.worker_task.done():
            raise RuntimeError("the notifier stream worker is not running")

    async def consumer_ready(self) -> None:
        if self.runner is None:
            raise RuntimeError("the notifier consumer is not started")
        await self.runner.health.check()


def build_app(settings: Settings) -> FastAPI:
    """Raises RulesError (naming rule and field) when the rules file is invalid."""
    ruleset = read_rules(rules_path(settings.notifier_rules_path))
    topics = Topics.from_settings(settings)
    client = make_client(settings)
    store = NotifierStore(database(client, settings))
    webhook_keyring = Keyring(
        MongoTeamKeys(database(client, settings)),
        settings.webhook_secret.get_secret_value(),
        utc_now,
    )
    keys = data_keyring(settings, database(client, settings))
    runtime = Runtime()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = ruleset.channels.webhook.timeout_s
        async with (
            httpx.AsyncClient(timeout=timeout) as http,
            httpx.AsyncClient(
                base_url=settings.projections_url, timeout=PROJECTIONS_TIMEOUT_S
            ) as projections,
        ):
            # What it reads and writes exists before its consumer joins (projections creates
            # c360.segments too, but the notifier may start first).
            await ensure_topics(
                settings,
                [INTERACTIONS, CONTACTS, SEGMENTS, NOTIFICATIONS, NOTIFICATIONS_FAILED, DEADLETTER],
            )
            producer = runtime.producer = make_producer(settings)
            await producer.start()
            outcomes = app.state.outcomes = Outcomes(producer, topics, keys)

            contacts = ContactDirectory(store, projections)
            deliverer = Deliverer(
                ruleset,
                store,
                make_channels(ruleset, webhook_keyring, http),
                outcomes,
                contacts,
                utc_now,
            )
            notifier = Notifier(ruleset, store, deliverer, utc_now)
            timers = TimerRunner(ruleset, store, notifier, deliverer, utc_now, topics.interactions)
            interval = ruleset.delivery.timer_scan_interval.total_seconds()
            runner = app.state.consumer = runtime.runner = notifier_runner(
                settings, notifier, timers, producer, probe=lambda: ping(client), keys=keys
            )
            runtime.worker_task = asyncio.create_task(
                run_worker(runner, timers, interval), name="notifier-worker"
            )
            runtime.worker_task.add_done_callback(_log_worker_exit)
            try:
                yield
            finally:
                runtime.worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runtime.worker_task
                await producer.stop()
                await client.close()

    app = create_app(
        service="notifier",
        title="c360 notifier",
        description="Rules on events and customer state; notifications delivered once.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[notifications.router, rules.router, webhook_keys.router],
        checks={
            "kafka": runtime.kafka_ready,
            "store": lambda: ping(client),
            "worker": runtime.worker_alive,
            "consumer": runtime.consumer_ready,
        },
        max_body_bytes=settings.max_body_bytes,
        access=access_from_settings("notifier", settings),
    )
    app.state.store = store
    app.state.rules = ruleset
    app.state.keyring = webhook_keyring
    app.state.webhook_key_overlap = timedelta(hours=settings.webhook_key_overlap_hours)
    return app


def _log_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("notifier worker stopped", error=repr(task.exception()))
