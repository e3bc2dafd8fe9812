"""The notifier's unit of work driven by a Faust agent (concurrency 1), for comparison only.

`python -m tests.fault.notifier.faust_worker` with the usual C360_* settings plus FAUST_WEB_PORT.
It folds, evaluates and delivers exactly as the product's aiokafka worker does (same service layer)
but lets Faust consume and commit; timers and the contacts-first ordering are left out.
"""

import os
import sys
from typing import Any

import faust
import httpx
from aiokafka.structs import ConsumerRecord

from services.notifier.adapters.contacts import ContactDirectory
from services.notifier.adapters.outcomes import Outcomes
from services.notifier.adapters.rules_file import read_rules, rules_path
from services.notifier.adapters.store import NotifierStore
from services.notifier.adapters.webhook_keys import MongoTeamKeys
from services.notifier.bootstrap import make_channels
from services.notifier.service_layer.delivery import Deliverer, utc_now
from services.notifier.service_layer.processing import Notifier
from services.notifier.service_layer.webhook_keys import Keyring
from shared.events import decode_kafka_record
from shared.kafka import make_producer
from shared.mongo import database, make_client
from shared.settings import get_settings
from shared.topics import Topics
from tests.faust_app import make_faust_app

settings = get_settings()
topics = Topics.from_settings(settings)
rules = read_rules(rules_path(settings.notifier_rules_path))
app = make_faust_app("c360-notifier-faust", settings, web_port=int(os.environ["FAUST_WEB_PORT"]))
source = app.topic(
    topics.contacts, topics.interactions, value_serializer="raw", key_serializer="raw"
)
wired: dict[str, Any] = {}


async def notifier() -> Notifier:
    if "notifier" not in wired:  # built on first use: aiokafka needs the running loop
        producer = make_producer(settings)
        await producer.start()
        client = make_client(settings)
        store = NotifierStore(database(client, settings))
        keys = Keyring(
            MongoTeamKeys(database(client, settings)),
            settings.webhook_secret.get_secret_value(),
            utc_now,
        )
        channels = make_channels(rules, keys, httpx.AsyncClient(timeout=10))
        projections = httpx.AsyncClient(base_url=settings.projections_url, timeout=5)
        contacts = ContactDirectory(store, projections)
        deliverer = Deliverer(rules, store, channels, Outcomes(producer, topics), contacts)
        wired["notifier"] = Notifier(rules, store, deliverer, utc_now)
    return wired["notifier"]  # type: ignore[no-any-return]


@app.agent(source, concurrency=1)
async def notify(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        message = event.message
        decoded = decode_kafka_record(message.value, message.headers or [])
        record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
            message.topic,
            message.partition,
            message.offset,
            0,
            0,
            message.key,
            message.value,
            None,
            0,
            0,
            list(message.headers or []),
        )
        customer = decoded.subject or (message.key or b"").decode()
        await (await notifier()).handle_events(customer, [(record, decoded)])


if __name__ == "__main__":
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn", "--without-web"]
    app.main()
