"""An issuer of our own, its JWKS served over real HTTP, and settings that turn access on."""

from collections.abc import Iterator

import pytest

from shared.settings import Settings
from tests.processes import free_port
from tests.unit.auth.issuer import LocalIssuer, serving_jwks


@pytest.fixture(scope="session")
def issuer() -> LocalIssuer:
    return LocalIssuer()


@pytest.fixture(scope="session")
def jwks_url(issuer: LocalIssuer) -> Iterator[str]:
    with serving_jwks(issuer) as url:
        yield url


def secure(settings: Settings, issuer: LocalIssuer, jwks_url: str) -> Settings:
    """Settings with access control on, trusting `issuer`."""
    return settings.model_copy(
        update={
            "auth_enabled": True,
            "auth_issuer": issuer.issuer,
            "auth_audience": issuer.audience,
            "auth_jwks_url": jwks_url,
            "auth_token_url": jwks_url.removesuffix("/certs") + "/token",
        }
    )


@pytest.fixture
def secured(settings: Settings, issuer: LocalIssuer, jwks_url: str) -> Settings:
    """The test's settings with access control on; the console's pass-through points where
    nothing listens, so it answers 503, never a 401 from a service outside the test."""
    return secure(settings, issuer, jwks_url).model_copy(
        update={
            "interactions_url": f"http://127.0.0.1:{free_port()}",
            "contacts_url": f"http://127.0.0.1:{free_port()}",
        }
    )
