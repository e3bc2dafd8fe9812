"""Getting a token from the issuer: for the command line and for adapters and scripts."""

import asyncio
import time
from collections.abc import AsyncGenerator

import httpx

from shared.auth.roles import Role
from shared.settings import Settings


class TokenRefused(Exception):
    """The issuer did not hand out a token (wrong credentials, unknown client, issuer down)."""


def fetch_token(token_url: str, form: dict[str, str], timeout_s: float = 10.0) -> str:
    try:
        answer = httpx.post(token_url, data=form, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise TokenRefused(f"the issuer at {token_url} did not answer: {exc}") from exc
    if answer.status_code != 200:
        raise TokenRefused(f"{answer.status_code} from the issuer: {answer.text[:300]}")
    return str(answer.json()["access_token"])


def demo_user_token(settings: Settings, role: Role) -> str:
    """The local demo user named after `role` (its password is the same word)."""
    if settings.environment == "production":
        raise TokenRefused("demo users exist only in the local stack")
    form = {
        "grant_type": "password",
        "client_id": settings.auth_cli_client_id,
        "username": role.value,
        "password": role.value,
        "scope": "openid",
    }
    return fetch_token(settings.token_url, form)


def client_token(settings: Settings, client_id: str, secret: str) -> str:
    """A service account's token (client credentials), e.g. an adapter's or the ops CLI's."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return fetch_token(settings.token_url, form)


def ops_token(settings: Settings, role_if_local: Role) -> str:
    """The ops command line's own token: its client credentials when configured; on a local
    stack without them, the demo user of the role the command needs."""
    secret = settings.ops_client_secret.get_secret_value() if settings.ops_client_secret else ""
    if secret:
        return client_token(settings, settings.ops_client_id, secret)
    return demo_user_token(settings, role_if_local)


class ServiceAuth(httpx.Auth):
    """httpx auth for one c360 service calling another: a client-credentials token, fetched
    when first needed and again shortly before it expires."""

    REFRESH_BEFORE_S = 30

    def __init__(self, settings: Settings) -> None:
        self.token_url = settings.token_url
        self.form = {
            "grant_type": "client_credentials",
            "client_id": settings.service_client_id,
            "client_secret": settings.service_client_secret.get_secret_value(),
        }
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["authorization"] = f"Bearer {await self.bearer()}"
        response = yield request
        if response.status_code == 401:  # revoked or rotated early: once more with a new one
            self.forget()
            request.headers["authorization"] = f"Bearer {await self.bearer()}"
            yield request

    def forget(self) -> None:
        """Drop the token (refused as revoked or rotated): the next call fetches a new one."""
        self._token = None

    async def bearer(self) -> str:
        """The current token, fetched when first needed and shortly before it expires."""
        async with self._lock:
            if self._token is None or time.time() >= self._expires_at:
                async with httpx.AsyncClient(timeout=10.0) as http:
                    answer = await http.post(self.token_url, data=self.form)
                if answer.status_code != 200:
                    raise TokenRefused(f"{answer.status_code} from the issuer: {answer.text[:300]}")
                body = answer.json()
                self._token = str(body["access_token"])
                lifetime = float(body.get("expires_in", 60))
                self._expires_at = time.time() + max(lifetime - self.REFRESH_BEFORE_S, 5.0)
            return self._token
