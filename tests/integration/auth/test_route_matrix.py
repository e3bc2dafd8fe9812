"""Every route of every service x every role, through the real apps on the real store: a role
the policy does not name gets 403, no token gets 401, a role it names gets past the gate."""

import re

import httpx
import pytest
from fastapi import FastAPI

from shared.auth.policy import Rule, rule_for
from shared.auth.roles import Role
from shared.settings import Settings
from shared.topics import Topics
from tests.unit.auth.issuer import LocalIssuer
from tests.unit.auth.services import every_app

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
# Endless answers (server-sent events) are checked on the refusing side only.
STREAMING = re.compile(r"/stream$")


def concrete(path: str) -> str:
    return re.sub(r"\{customer_id\}", "c_nobody", re.sub(r"\{(?!customer_id)[^}]+\}", "x", path))


async def call(
    http: httpx.AsyncClient, method: str, path: str, token: str | None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body: dict[str, object] | None = {} if method in ("POST", "PUT", "PATCH") else None
    return await http.request(method, concrete(path), json=body, headers=headers, timeout=30)


async def check_route(
    http: httpx.AsyncClient, method: str, path: str, rule: Rule, tokens: dict[Role, str]
) -> int:
    """Asserts the gate's verdict for no token and for every role; returns the checks made."""
    where = f"{method} {path}"
    if rule.public:
        assert (await call(http, method, path, None)).status_code not in (401, 403), where
        return 1
    anonymous = await call(http, method, path, None)
    assert anonymous.status_code == 401, (where, anonymous.text)
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.headers["content-type"] == PROBLEM
    for role, token in tokens.items():
        if role not in rule.roles:
            refused = await call(http, method, path, token)
            assert refused.status_code == 403, (where, role, refused.text)
            assert refused.headers["content-type"] == PROBLEM
        elif not STREAMING.search(path):
            answer = await call(http, method, path, token)
            assert answer.status_code not in (401, 403), (where, role, answer.text)
    return 1 + len(tokens)


async def check_app(app: FastAPI, tokens: dict[Role, str]) -> int:
    service = app.state.access.service
    checked = 0
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c360") as http,
    ):
        for method, path in app.state.gated_routes:
            rule = rule_for(service, method, path)
            assert rule is not None, f"{service}: {method} {path} has no policy"
            checked += await check_route(http, method, path, rule, tokens)
    return checked


async def test_every_route_by_every_role(
    secured: Settings, catalog: Topics, issuer: LocalIssuer
) -> None:
    tokens = {role: issuer.token(role.value, username=f"u-{role.value}") for role in Role}
    checked = 0
    for _, app in every_app(secured):
        checked += await check_app(app, tokens)
    print(f"route x role checks: {checked}")
    assert checked > 500  # 59 guarded routes x (8 roles + no token) today, plus 8 public pages
