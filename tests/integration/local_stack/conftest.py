"""The local stack's Keycloak and Mailpit, where its settings say (`make test` starts them)."""

import os

import pytest

from deploy.local.stack import probes
from deploy.local.stack.settings import StackSettings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(url: str, what: str) -> str:
    if not probes.http_ok(url):
        message = f"{what} does not answer at {url} (start it: python -m deploy.local.stack up)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def stack_settings() -> StackSettings:
    return StackSettings()
