"""End to end over HTTP with real processes: the contacts service takes contacts and merges,
the projection worker folds the log, the query API answers a console, read-your-writes included.

Interactions are published straight to `c360.interactions` (as a channel adapter or the
interactions service would), keyed by customer id.
"""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.settings import Settings
from shared.topics import Topics
from tests.integration.projections.harness import publish
from tests.processes import running
from tests.unit.projections import events as ev

pytestmark = pytest.mark.e2e
WAIT = "timeout_ms=20000"


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "projections", "worker") as urls:
        yield urls


async def test_a_console_sees_contacts_interactions_and_merges(
    services: dict[str, str], catalog: Topics, producer: AIOKafkaProducer
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        contacts, api = services["contacts"], services["projections"]
        sara = await http.post(
            f"{contacts}/v1/contacts", json={"name": "Sara Ahmadi", "phones": ["0912 123 4567"]}
        )
        assert sara.status_code == 201, sara.text
        twin = await http.post(
            f"{contacts}/v1/contacts", json={"name": "S. Ahmadi", "emails": ["S.A@Example.com"]}
        )
        assert twin.status_code == 201, twin.text
        sara_id, twin_id = sara.json()["customer_id"], twin.json()["customer_id"]

        # the caller rings: the console looks the number up, written the way the PBX sends it
        found = await http.get(
            f"{api}/v1/customers/lookup?phone=%2B98-912-123-4567"
            f"&min_position={sara.json()['position']}&{WAIT}"
        )
        assert found.status_code == 200, found.text
        assert found.json()["customer_id"] == sara_id
        assert found.json()["lifecycle_stage"] == "lead"

        # the agent logs the call; the very next read shows it
        logged = await publish(producer, catalog.interactions, ev.call(sara_id, 1))
        await publish(producer, catalog.interactions, ev.purchase(twin_id, 2, 4200))
        bought = await publish(producer, catalog.interactions, ev.purchase(sara_id, 3, 800))
        view = await http.get(f"{api}/v1/customers/{sara_id}?min_position={bought.encode()}&{WAIT}")
        assert view.json()["kpis"]["by_channel"] == {"phone": 1}
        assert view.json()["kpis"]["total_spent"] == {"USD": 800}
        assert logged.partition == bought.partition  # so waiting for `bought` covers `logged`

        merge = await http.post(
            f"{contacts}/v1/contacts/merge",
            json={"survivor_id": sara_id, "merged_id": twin_id, "reason": "same person"},
        )
        assert merge.status_code == 200, merge.text
        token = merge.json()["position"]
        by_email = await http.get(
            f"{api}/v1/customers/lookup?email=s.a@example.com&min_position={token}&{WAIT}"
        )
        assert by_email.json()["customer_id"] == sara_id
        assert by_email.json()["kpis"]["total_spent"] == {"USD": 5000}
        twin_view = (await http.get(f"{api}/v1/customers/{twin_id}")).json()
        assert (twin_view["customer_id"], twin_view["merged_into"]) == (sara_id, sara_id)
        timeline = (await http.get(f"{api}/v1/customers/{sara_id}/timeline")).json()
        assert {i["customer_id"] for i in timeline["items"]} == {sara_id, twin_id}
        assert "merged" in {i["type"] for i in timeline["items"]}

        unmerge = await http.post(
            f"{contacts}/v1/contacts/{twin_id}/unmerge", json={"reason": "different people"}
        )
        assert unmerge.status_code == 200, unmerge.text
        after = await http.get(
            f"{api}/v1/customers/{sara_id}?min_position={unmerge.json()['position']}&{WAIT}"
        )
        assert after.json()["kpis"]["total_spent"] == {"USD": 800}
        assert after.json()["merged_from"] == []
        openapi = (await http.get(f"{api}/openapi.json")).json()
        assert "/v1/customers/lookup" in openapi["paths"]
        worker_metrics = (await http.get(f"{services['worker']}/metrics")).text
        assert "c360_projection_events_applied_total" in worker_metrics


async def test_views_answered_from_memory_follow_the_log(
    services: dict[str, str], catalog: Topics, producer: AIOKafkaProducer
) -> None:
    """The query API keeps views in memory; a new event must still show without min_position."""
    async with httpx.AsyncClient(timeout=30) as http:
        api = services["projections"]
        customer = ev.new_customer_id()
        first = await publish(producer, catalog.interactions, ev.purchase(customer, 1, 300))
        url = f"{api}/v1/customers/{customer}"
        seen = await http.get(f"{url}?min_position={first.encode()}&{WAIT}")
        assert seen.json()["kpis"]["total_spent"] == {"USD": 300}
        # kept in memory once the API has read a checkpoint past the event (polled ~10/s)
        hit = 'c360_projection_cache_reads_total{result="hit"}'
        for _ in range(100):
            assert (await http.get(url)).json()["kpis"]["total_spent"] == {"USD": 300}
            if hit in (await http.get(f"{api}/metrics")).text:
                break
            await asyncio.sleep(0.05)
        assert hit in (await http.get(f"{api}/metrics")).text

        await publish(producer, catalog.interactions, ev.purchase(customer, 2, 500))
        deadline = asyncio.get_running_loop().time() + 30
        spent = seen.json()["kpis"]["total_spent"]
        while spent != {"USD": 800} and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
            spent = (await http.get(url)).json()["kpis"]["total_spent"]
        assert spent == {"USD": 800}


async def test_every_query_worker_follows_the_log(
    settings: Settings, catalog: Topics, producer: AIOKafkaProducer
) -> None:
    """Two query API processes on one port, each with its own near cache: whichever answers a
    read that waits for a position shows that position, cached or not."""
    with running(settings, "projections", "worker", C360_QUERY_WORKERS="2") as urls:
        api, customer = urls["projections"], ev.new_customer_id()
        first = await publish(producer, catalog.interactions, ev.purchase(customer, 1, 300))
        url = f"{api}/v1/customers/{customer}"
        for _ in range(20):  # a new connection each time, so both workers answer and keep it
            async with httpx.AsyncClient(timeout=30) as http:
                seen = await http.get(f"{url}?min_position={first.encode()}&{WAIT}")
            assert seen.json()["kpis"]["total_spent"] == {"USD": 300}
        second = await publish(producer, catalog.interactions, ev.purchase(customer, 2, 500))
        for _ in range(20):
            async with httpx.AsyncClient(timeout=30) as http:
                seen = await http.get(f"{url}?min_position={second.encode()}&{WAIT}")
            assert seen.json()["kpis"]["total_spent"] == {"USD": 800}
        async with httpx.AsyncClient(timeout=30) as http:
            metrics = (await http.get(f"{api}/metrics")).text
        reads = [line for line in metrics.splitlines() if "cache_reads_total{" in line]
        assert sum(float(line.rsplit(" ", 1)[1]) for line in reads) >= 40  # every worker's
