"""Tokens from the running Keycloak (the local stack's, realm c360) against the real apps."""

import base64
import json
import os

import httpx
import pytest
from fastapi import FastAPI

from services.projections.bootstrap import build_api
from shared.auth.client import TokenRefused, client_token, demo_user_token
from shared.auth.roles import Role
from shared.settings import Settings
from shared.topics import Topics
from tests.conftest import IN_CI
from tests.unit.auth.issuer import LocalIssuer, new_key

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture(scope="session")
def issuer_url() -> str:
    port = os.environ.get("C360_KEYCLOAK_PORT", "8080")
    url = os.environ.get("C360_AUTH_ISSUER", f"http://127.0.0.1:{port}/realms/c360")
    try:
        httpx.get(f"{url}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and the identity provider is missing: {exc}", pytrace=False)
        pytest.skip(f"no identity provider at {url} (make up starts it): {exc}")
    return url


@pytest.fixture
def real(settings: Settings, issuer_url: str) -> Settings:
    return settings.model_copy(update={"auth_enabled": True, "auth_issuer": issuer_url})


def tampered(token: str, **claims: object) -> str:
    """The provider's token with its claims changed and its signature kept."""
    header, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def kid_of(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


async def status(app: FastAPI, path: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://projections") as http:
        return await http.get(path, headers=headers, timeout=30)


async def test_the_providers_tokens_open_what_their_roles_allow(
    real: Settings, catalog: Topics
) -> None:
    app = build_api(real)
    agent = demo_user_token(real, Role.AGENT)
    ops = demo_user_token(real, Role.OPS)
    pbx = client_token(real, "adapter-pbx", "adapter-pbx")
    view = "/v1/customers/c_nobody"
    assert (await status(app, view, agent)).status_code == 404  # past the gate: nobody there
    assert (await status(app, view, ops)).status_code == 403
    assert (await status(app, view, pbx)).status_code == 403
    assert (await status(app, "/v1/audit?actor=agent", agent)).status_code == 403
    officer = demo_user_token(real, Role.PRIVACY_OFFICER)
    assert (await status(app, "/v1/audit?actor=agent", officer)).status_code == 200


async def test_forged_and_foreign_tokens_are_401_with_a_challenge(
    real: Settings, catalog: Topics, issuer_url: str
) -> None:
    app = build_api(real)
    genuine = demo_user_token(real, Role.AGENT)
    impostor = LocalIssuer(issuer=issuer_url, audience="c360")
    same_kid = new_key(kid=kid_of(genuine))
    refused = {
        "no token": None,
        "nonsense": "nonsense",
        "expired": tampered(genuine, exp=1_000_000_000),
        "wrong issuer": tampered(genuine, iss="http://127.0.0.1:1/realms/c360"),
        "wrong audience": tampered(genuine, aud="someone-else"),
        "bad signature": impostor.token("admin", key=same_kid),
        "unknown kid": impostor.token("admin"),
    }
    for reason, token in refused.items():
        answer = await status(app, "/v1/customers/c_nobody", token)
        assert answer.status_code == 401, (reason, answer.text)
        assert answer.headers["content-type"] == PROBLEM
        assert answer.headers["www-authenticate"].startswith('Bearer realm="c360"'), reason


def test_a_wrong_password_gets_no_token(real: Settings, issuer_url: str) -> None:
    with pytest.raises(TokenRefused):
        client_token(real, "adapter-pbx", "not-its-secret")
