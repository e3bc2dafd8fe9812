"""Getting a token from the issuer: for the command line and for adapters and scripts."""

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
