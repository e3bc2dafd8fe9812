"""The subject-access export with access control on, every service a real process: the contacts
service reads the projections and the notifier with the privacy officer's own token, so their
audit names the privacy officer as the reader; the export holds who accessed the data; other
roles may not export."""

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.settings import Settings
from shared.topics import Topics
from tests.e2e.notifier.harness import default_rules_for_tests, notifier_process
from tests.e2e.notifier.harness import running as running_process
from tests.integration.auth.conftest import issuer, jwks_url, secure
from tests.integration.interactions.log import eventually
from tests.integration.notifier.receivers import HttpReceiver, SmtpReceiver, http, smtp
from tests.processes import free_port, running
from tests.unit.auth.issuer import LocalIssuer

pytestmark = pytest.mark.e2e
__all__ = ["http", "issuer", "jwks_url", "smtp"]  # fixtures


@pytest.fixture
def secured_stack(
    settings: Settings,
    catalog: Topics,
    issuer: LocalIssuer,
    jwks_url: str,
    http: HttpReceiver,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    secured = secure(settings, issuer, jwks_url)
    notifier_port = free_port()
    notifier_url = f"http://127.0.0.1:{notifier_port}"
    services = ("contacts", "projections", "worker")
    with running(secured, *services, C360_NOTIFIER_URL=notifier_url) as urls:
        notifier = notifier_process(
            secured,
            default_rules_for_tests(tmp_path),
            http,
            smtp,
            port=notifier_port,
            C360_PROJECTIONS_URL=urls["projections"],
            C360_CONTACTS_URL=urls["contacts"],
        )
        with running_process(notifier):
            yield urls


def bearer(issuer: LocalIssuer, role: str, username: str) -> dict[str, str]:
    return {"authorization": f"Bearer {issuer.token(role, username=username)}"}


async def test_the_export_is_read_as_the_privacy_officer_and_holds_who_accessed_the_data(
    secured_stack: dict[str, str], issuer: LocalIssuer
) -> None:
    contacts = secured_stack["contacts"]
    agent = bearer(issuer, "agent", "agent-ana")
    officer = bearer(issuer, "privacy-officer", "pat")
    async with httpx.AsyncClient(timeout=60) as client:
        body = {"name": "Narges Karimi", "phones": ["0912 777 6655"]}
        created = await client.post(f"{contacts}/v1/contacts", json=body, headers=agent)
        assert created.status_code == 201, created.text
        customer_id = created.json()["customer_id"]
        read = await client.get(f"{contacts}/v1/contacts/{customer_id}", headers=agent)
        assert read.status_code == 200, read.text
        export_path = f"{contacts}/v1/contacts/{customer_id}/export"
        refused = await client.get(export_path, headers=agent)
        assert refused.status_code == 403, refused.text

        async def accesses_by(actor: str, action: str) -> list[Any]:
            exported = await client.get(export_path, headers=officer)
            assert exported.status_code == 200, exported.text
            accesses = exported.json()["accesses"]
            return [a for a in accesses if a["actor"] == actor and a["action"] == action]

        [agent_read] = await eventually(
            lambda: accesses_by("agent-ana", "contact.read"), "the agent's read in the export"
        )
        assert agent_read["customer_ids"] == [customer_id]
        # the owners audited the privacy officer, whose token the contacts service forwarded
        for action in ("customer.timeline", "notification.list", "contact.export"):
            seen = await eventually(partial(accesses_by, "pat", action), f"pat's {action}")
            assert {a["role"] for a in seen} == {"privacy-officer"}
