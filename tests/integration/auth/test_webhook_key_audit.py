"""A team key rotation is an ops or admin call, and each one is an audit event naming its actor."""

from pathlib import Path

import httpx
import pytest

from services.notifier.bootstrap import build_app
from shared.auth.audit import KafkaAuditTrail
from shared.settings import Settings
from shared.topics import Topics
from tests.unit.auth.issuer import LocalIssuer

pytestmark = pytest.mark.integration

RULES_YAML = """
teams:
  support: {webhook: "http://127.0.0.1:9/support"}
templates:
  t: {subject: "Hello", body: "Body"}
rules:
  - id: r
    when: {event: c360.interaction.purchase}
    action: {template: t, target: "team:support"}
"""


async def test_a_rotation_is_refused_to_agents_and_audited_for_ops(
    secured: Settings, catalog: Topics, issuer: LocalIssuer, tmp_path: Path
) -> None:
    (tmp_path / "rules.yaml").write_text(RULES_YAML)
    app = build_app(
        secured.model_copy(update={"notifier_rules_path": str(tmp_path / "rules.yaml")})
    )
    trail = app.state.access.audit
    assert isinstance(trail, KafkaAuditTrail)
    rotate = "/v1/teams/support/webhook-keys/rotate"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://n"
    ) as http:
        agent = {"authorization": f"Bearer {issuer.token('agent', username='agent-ana')}"}
        assert (await http.post(rotate, headers=agent)).status_code == 403
        ops = {"authorization": f"Bearer {issuer.token('ops', username='olga')}"}
        answer = await http.post(rotate, headers=ops)
        assert answer.status_code == 201, answer.text
        assert answer.json()["secret"]  # ops see the new secret: they hand it to the receivers

    [event] = [trail.queue.get_nowait() for _ in range(trail.queue.qsize())]
    assert (event.data.actor, event.data.role, event.data.action) == (
        "olga",
        "ops",
        "webhook-key.rotate",
    )
    assert (event.data.service, event.data.path) == ("notifier", rotate)
