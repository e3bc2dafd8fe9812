"""Tokens from the real local Keycloak carry what c360's token validation relies on."""

import base64
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import orjson
import pytest

from deploy.local.stack import keycloak
from deploy.local.stack.settings import StackSettings
from tests.integration.local_stack.conftest import require

ROLES = ("agent", "supervisor", "analyst", "privacy-officer", "ops", "adapter", "admin")
ADAPTERS = ("adapter-pbx", "adapter-shop", "adapter-mail", "adapter-survey")


@pytest.fixture(scope="module")
def issuer(stack_settings: StackSettings) -> str:
    found = keycloak.issuer(stack_settings.keycloak_port)
    require(f"{found}/.well-known/openid-configuration", "Keycloak")
    return found


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = orjson.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def token(issuer: str, **form: str) -> dict[str, Any]:
    answer = httpx.post(f"{issuer}/protocol/openid-connect/token", data=form, timeout=30)
    assert answer.status_code == 200, answer.text
    return claims(answer.json()["access_token"])


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_user_signs_in_with_its_role_as_password(issuer: str, role: str) -> None:
    found = token(issuer, grant_type="password", client_id="c360-cli", username=role, password=role)
    assert found["iss"] == issuer
    assert "c360" in ([found["aud"]] if isinstance(found["aud"], str) else found["aud"])
    assert found["roles"] == [role]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_each_example_adapter_gets_a_token_with_role_adapter(issuer: str, adapter: str) -> None:
    found = token(issuer, grant_type="client_credentials", client_id=adapter, client_secret=adapter)
    assert found["azp"] == adapter
    assert found["roles"] == ["adapter"]


def test_a_wrong_password_gets_no_token(issuer: str) -> None:
    form = {"grant_type": "password", "client_id": "c360-cli", "username": "agent"}
    answer = httpx.post(
        f"{issuer}/protocol/openid-connect/token", data={**form, "password": "x"}, timeout=30
    )
    assert answer.status_code == 401


def test_the_console_must_use_pkce(issuer: str) -> None:
    query = {
        "client_id": "c360-console",
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:8003/console",
        "scope": "openid",
    }
    answer = httpx.get(f"{issuer}/protocol/openid-connect/auth", params=query, timeout=30)
    refused = parse_qs(urlparse(answer.headers.get("location", "")).query)
    assert answer.status_code == 302, answer.text[:300]
    assert refused["error"] == ["invalid_request"]
    assert "code_challenge" in refused["error_description"][0]
