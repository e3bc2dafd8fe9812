"""Two adapters that use the same event `id` over HTTP, end to end with real processes: an event
is its `source` + `id`, so each lands on the customer's timeline, and a resend of either is no
second entry."""

from collections.abc import Iterator

import httpx
import pytest

from shared.events import EventType
from shared.settings import Settings
from shared.topics import Topics
from tests.processes import running
from tests.unit.interactions.samples import sample

pytestmark = pytest.mark.e2e
CE = {"content-type": "application/cloudevents+json"}
WAIT = "timeout_ms=20000"


@pytest.fixture
def services(settings: Settings, catalog: Topics) -> Iterator[dict[str, str]]:
    with running(settings, "contacts", "interactions", "projections", "worker") as urls:
        yield urls


def purchase(source: str, event_id: str, amount_minor: int) -> dict[str, object]:
    data = {
        "customer": {"phone": "+989121110000"},
        "order_id": f"{source}-{event_id}",
        "amount_minor": amount_minor,
        "currency": "USD",
    }
    return sample(EventType.PURCHASE, id=event_id, source=source, data=data)


async def test_the_same_id_from_two_adapters_is_two_entries_and_a_resend_none(
    services: dict[str, str],
) -> None:
    shop, pos = purchase("adapters/shop", "order-1", 1200), purchase("adapters/pos", "order-1", 300)
    async with httpx.AsyncClient(base_url=services["interactions"], timeout=30) as interactions:
        sent = [await interactions.post("/v1/events", json=e, headers=CE) for e in (shop, pos)]
        resent = [await interactions.post("/v1/events", json=e, headers=CE) for e in (pos, shop)]
    assert [r.status_code for r in sent + resent] == [202] * 4, [r.text for r in sent + resent]
    assert [r.headers.get("Idempotent-Replayed") for r in resent] == ["true", "true"]
    [customer] = {r.json()["customer_id"] for r in sent + resent}

    async with httpx.AsyncClient(base_url=services["projections"], timeout=30) as api:
        for answer in sent:  # read-your-writes for both, whatever their partitions
            seen = await api.get(
                f"/v1/customers/{customer}?min_position={answer.json()['position']}&{WAIT}"
            )
            assert seen.status_code == 200, seen.text
        view = (await api.get(f"/v1/customers/{customer}")).json()
        timeline = (await api.get(f"/v1/customers/{customer}/timeline")).json()["items"]
    assert view["kpis"]["total_spent"] == {"USD": 1500}
    assert view["kpis"]["purchase_count"] == 2
    entries = sorted((i["source"], i["id"]) for i in timeline if i["id"] == "order-1")
    assert entries == [("adapters/pos", "order-1"), ("adapters/shop", "order-1")]
