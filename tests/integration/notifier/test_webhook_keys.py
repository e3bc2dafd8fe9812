"""Team webhook keys against the real store: rotated through the notifier's admin API, a delivery
during the rotation verifies with the old key and with the new one; after it, only the new."""

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.adapters.outcomes import Outcomes
from services.notifier.adapters.rules_file import parse_rules
from services.notifier.adapters.store import NotifierStore
from services.notifier.bootstrap import build_app, make_channels
from services.notifier.domain.notification import Status
from services.notifier.domain.signature import verify
from services.notifier.service_layer.delivery import Deliverer
from services.notifier.service_layer.webhook_keys import Keyring
from shared.mongo import Document
from shared.settings import Settings
from shared.topics import Topics
from tests.integration.notifier.receivers import HttpReceiver
from tests.unit.notifier.builders import pending_notification

pytestmark = pytest.mark.integration

RULES_YAML = """
teams:
  support: {{webhook: "{support}"}}
templates:
  t: {{subject: "Hello", body: "Body"}}
rules:
  - id: r
    when: {{event: c360.interaction.purchase}}
    action: {{template: t, target: "team:support"}}
"""


async def no_contact(customer_id: str) -> None:
    return None


@dataclass
class Notifier:
    api: httpx.AsyncClient
    deliverer: Deliverer
    store: NotifierStore
    http: HttpReceiver

    async def deliver(self) -> tuple[bytes, str]:
        """One team webhook delivered now: the body and the signature header it arrived with."""
        done = await self.deliverer.deliver(
            await self.store.claim(pending_notification("team:support")), 0
        )
        assert done.status is Status.SENT, done.error
        received = self.http.accepted("/support")[-1]
        return received.body, received.headers["C360-Signature"]


@pytest.fixture
async def notifier(
    settings: Settings,
    catalog: Topics,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    http: HttpReceiver,
    tmp_path: Path,
) -> AsyncIterator[Notifier]:
    """The notifier's admin API and a deliverer signing with the keyring that API rotates."""
    rules_text = RULES_YAML.format(support=http.url("/support"))
    (tmp_path / "rules.yaml").write_text(rules_text)
    app = build_app(
        settings.model_copy(update={"notifier_rules_path": str(tmp_path / "rules.yaml")})
    )
    keyring: Keyring = app.state.keyring
    rules = parse_rules(rules_text, {})
    store = NotifierStore(db)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://n", timeout=60
        ) as api,
        # generous: on a machine shared by many test runs a local receiver can be slow to answer
        httpx.AsyncClient(timeout=30) as client,
    ):
        channels = make_channels(rules, keyring, client)
        deliverer = Deliverer(rules, store, channels, Outcomes(producer, catalog), no_contact)
        yield Notifier(api, deliverer, store, http)


def verifies(secret: str, delivered: tuple[bytes, str]) -> bool:
    body, header = delivered
    return verify(secret, body, header, now=int(time.time()))


async def test_a_webhook_delivered_during_a_rotation_verifies_with_both_keys(
    notifier: Notifier, settings: Settings
) -> None:
    initial = settings.webhook_secret.get_secret_value()
    assert verifies(initial, await notifier.deliver())

    answer = await notifier.api.post("/v1/teams/support/webhook-keys/rotate")
    assert answer.status_code == 201, answer.text
    rotated = answer.json()
    assert rotated["previous_key_id"] == "initial"
    new_secret = rotated["secret"]
    assert new_secret != initial

    during = await notifier.deliver()
    assert verifies(new_secret, during)
    assert verifies(initial, during)
    assert not verifies("some-other-key", during)

    shown = (await notifier.api.get("/v1/teams/support/webhook-keys")).json()
    assert shown["signing_key_id"] == rotated["signing_key_id"]
    assert "secret" not in shown

    finished = await notifier.api.delete("/v1/teams/support/webhook-keys/previous")
    assert finished.json()["previous_key_id"] is None
    after = await notifier.deliver()
    assert verifies(new_secret, after)
    assert not verifies(initial, after)


async def test_a_rotation_of_a_team_the_rules_do_not_name_is_a_404_naming_the_team(
    notifier: Notifier,
) -> None:
    answer = await notifier.api.post("/v1/teams/sales/webhook-keys/rotate")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "team"
