"""Notifier benchmark: rule evaluations per second, worker throughput, trigger-to-delivery latency.

- `evaluation`: the pure rule evaluation of the shipped rules over a mix of events (one core).
- `throughput`: the notifier process (`python -m services.notifier`, shipped rules) folding a
  backlog of interactions for customers with contacts, until its group has committed all of it;
  ratios against the raw producer rate and the raw store upsert rate of the same run.
- `latency`: high-severity complaints produced at a steady pace; each alerts the support webhook
  (a local HTTP receiver); latency = the receiver's arrival time minus the event's time.
"""

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from services.notifier.adapters.rules_file import DEFAULT_RULES
from services.notifier.domain.customer import Contact, CustomerState
from services.notifier.domain.evaluation import evaluate
from services.notifier.domain.fold import advance
from services.notifier.domain.occurrence import from_event
from shared.events import STRUCTURED_HEADERS, Event, EventType, encode_event
from shared.kafka import ensure_topics, make_producer
from shared.mongo import make_client
from shared.settings import Settings
from shared.topics import Topics
from tests.bench.common import console, percentiles, raw_producer_rate, raw_store_write_rate
from tests.e2e.notifier.harness import (
    caught_up,
    contact_created,
    interaction,
    noon_timezone,
    notifier_process,
    publish,
)
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, eventually
from tests.unit.notifier.builders import default_rules

CUSTOMERS = 100
EVENTS_PER_CUSTOMER = 10
LATENCY_SAMPLES = 60
LATENCY_RATE_PER_S = 1


def _mix(customer_id: str, n: int) -> Event:
    kinds: list[tuple[EventType, dict[str, Any]]] = [
        (EventType.CALL, {"direction": "inbound", "duration_seconds": 42}),
        (EventType.SURVEY_RESPONSE, {"csat": 4}),
        (EventType.PURCHASE, {"order_id": f"O-{n}", "amount_minor": 2933, "currency": "USD"}),
        (EventType.NOTE, {"text": "called back"}),
        (EventType.VISIT, {"location": "tehran-01"}),
    ]
    event_type, data = kinds[n % len(kinds)]
    return interaction(customer_id, event_type, **data)


def evaluation_rate(count: int = 20_000) -> dict[str, float]:
    rules = default_rules()
    events = [_mix("c1", n) for n in range(50)]
    events.append(
        interaction(
            "c1", EventType.COMPLAINT_OPENED, complaint_id="K", severity="high", subject="x"
        )
    )
    state = CustomerState(customer_id="c1", contact=Contact(emails=("a@b.io",)))
    occurrences = []
    for offset, event in enumerate(events):
        state = advance(state, event, "interactions-0", offset)
        occurrences.append((from_event(event, "c1"), state))
    started, rule_evaluations = time.perf_counter(), 0
    for i in range(count):
        occurrence, at_state = occurrences[i % len(occurrences)]
        rule_evaluations += evaluate(rules, occurrence, at_state).evaluated
    elapsed = time.perf_counter() - started
    return {
        "occurrences_s": round(count / elapsed),
        "rule_evaluations_s": round(rule_evaluations / elapsed),
    }


async def throughput(settings: Settings) -> dict[str, Any]:
    http, smtp = await HttpReceiver().start(), SmtpReceiver().start()
    topics = Topics.from_settings(settings)
    run = uuid.uuid4().hex[:6]
    customers = [f"b{run}-{i}" for i in range(CUSTOMERS)]
    tz = noon_timezone()
    contacts = [contact_created(c, timezone=tz) for c in customers]
    events = [_mix(c, n) for n in range(EVENTS_PER_CUSTOMER) for c in customers]
    producer = make_producer(settings)
    await producer.start()
    notifier = notifier_process(settings, DEFAULT_RULES, http, smtp)  # as shipped
    try:
        await publish(producer, topics.contacts, *contacts)
        await publish_fast(producer, topics.interactions, events)
        notifier.start()
        started = time.perf_counter()
        await eventually(lambda: caught_up(settings), "the backlog to be processed", 600)
        elapsed = time.perf_counter() - started
        latency = await trigger_to_delivery(settings, producer, http, customers)
    finally:
        notifier.stop()
        await producer.stop()
        await http.stop()
        smtp.stop()
    return {
        "events": len(contacts) + len(events),
        "events_s": round((len(contacts) + len(events)) / elapsed),
        "welcome_emails": len(smtp.messages),
        "latency": latency,
    }


async def publish_fast(producer: Any, topic: str, events: list[Event]) -> None:
    futures = [
        await producer.send(
            topic, encode_event(e), key=(e.subject or "").encode(), headers=STRUCTURED_HEADERS
        )
        for e in events
    ]
    await asyncio.gather(*futures)


async def trigger_to_delivery(
    settings: Settings, producer: Any, http: HttpReceiver, customers: list[str]
) -> dict[str, float]:
    """Paced high-severity complaints; each one's support alert timed at the receiver."""
    topic = Topics.from_settings(settings).interactions
    sent_at: dict[str, datetime] = {}
    first_request = len(http.requests)
    for i in range(LATENCY_SAMPLES):
        event = interaction(
            customers[i % len(customers)],
            EventType.COMPLAINT_OPENED,
            complaint_id=f"L-{i}",
            severity="high",
            subject="bench",
        )
        sent_at[event.id] = event.time
        await publish(producer, topic, event)
        await asyncio.sleep(1 / LATENCY_RATE_PER_S)
    await eventually(
        lambda: (
            len([r for r in http.requests[first_request:] if r.path == "/support"])
            >= LATENCY_SAMPLES
        ),
        "every alert",
        600,
    )
    samples = [
        (arrived - sent_at[r.json["trigger"]["key"]]) / timedelta(seconds=1)
        for r, arrived in ((r, r.arrived_at) for r in http.requests[first_request:])
        if r.path == "/support"
    ]
    return percentiles(samples)


async def drop_database(settings: Settings) -> None:
    client = make_client(settings)
    try:
        await client.drop_database(settings.database)
    finally:
        await client.close()


async def run(settings: Settings) -> dict[str, Any]:
    console.print("[bold]notifier[/] pure rule evaluation ...")
    pure = evaluation_rate()
    console.print(f"  {pure}")
    producer_rate = await raw_producer_rate(settings)
    store_rate = await raw_store_write_rate(settings)
    console.print("  worker throughput and trigger-to-delivery latency ...")
    # a prefix and database of its own: the raw measurement filled this run's interactions topic
    own = settings.model_copy(
        update={"topic_prefix": f"n{settings.topic_prefix}", "database": f"{settings.database}n"}
    )
    await ensure_topics(own)
    try:
        measured = await throughput(own)
    finally:
        await drop_database(own)  # the store slows down as databases pile up
    console.print(f"  {measured}")
    return {
        "evaluation": pure,
        "throughput": {
            "events": measured["events"],
            "events_s": measured["events_s"],
            "ratio_to_raw_producer": round(measured["events_s"] / producer_rate, 4),
            "ratio_to_raw_store_upserts": round(measured["events_s"] / store_rate, 4),
        },
        "trigger_to_delivery": measured["latency"],
        "raw": {"producer_records_s": round(producer_rate), "store_upserts_s": round(store_rate)},
    }


if __name__ == "__main__":
    from tests.bench.common import bench_settings

    print(asyncio.run(run(bench_settings())))
