"""An adapter publishes over HTTP only for its own `source`; people log for anyone."""

import httpx
import pytest

from services.contacts.bootstrap import build_app as build_contacts
from services.interactions.bootstrap import build_app
from shared.auth.client import ServiceAuth
from shared.events import EventType
from shared.settings import Settings
from shared.topics import Topics
from tests.factories import event_dict
from tests.inprocess import AsgiCalls
from tests.unit.auth.issuer import LocalIssuer

pytestmark = pytest.mark.integration
CE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


def call(source: str) -> dict[str, object]:
    data = {"customer": {"phone": "+989121234567"}, "direction": "inbound", "duration_seconds": 30}
    return event_dict(EventType.CALL, data, source=source)


async def test_an_adapter_publishes_only_for_its_own_source(
    secured: Settings, catalog: Topics, issuer: LocalIssuer
) -> None:
    pbx = issuer.token("adapter", client_id="adapter-pbx", username="service-account-adapter-pbx")
    agent = issuer.token("agent", username="agent")
    contacts = build_contacts(secured)  # asked with the interactions service's own token
    app = build_app(secured, contacts_calls=AsgiCalls(contacts, ServiceAuth(secured)))
    async with (
        contacts.router.lifespan_context(contacts),
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://interactions", timeout=60
        ) as http,
    ):

        async def post(token: str, event: dict[str, object]) -> httpx.Response:
            auth = {"authorization": f"Bearer {token}"}
            return await http.post("/v1/events", json=event, headers={**CE, **auth})

        own = await post(pbx, call("adapters/pbx-tehran"))
        assert own.status_code == 202, own.text
        foreign = await post(pbx, call("adapters/shop-web"))
        assert foreign.status_code == 403
        assert foreign.json()["errors"][0]["field"] == "source"
        mixed = await http.post(
            "/v1/events/batch",
            json=[call("adapters/pbx-tehran"), call("adapters/mail-gw")],
            headers={**BATCH, "authorization": f"Bearer {pbx}"},
        )
        assert mixed.status_code == 403
        assert (await post(agent, call("adapters/shop-web"))).status_code == 202
