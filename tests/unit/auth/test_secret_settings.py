"""Placeholder secrets are for a local stack only: any other environment refuses to start."""

import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from shared.settings import DEV_SECRET, PLACEHOLDER_GUARDED, Settings
from tests.infra import REPO, TEST_SECRETS


@pytest.fixture(autouse=True)
def no_principal_from_the_test_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test session signs in to a SASL broker through the environment; these tests say
    what a service does with its own settings, so that principal must not leak into them."""
    for name in ("C360_KAFKA_USERNAME", "C360_KAFKA_PASSWORD", "C360_KAFKA_SASL"):
        monkeypatch.delenv(name, raising=False)


def test_development_accepts_the_placeholders() -> None:
    settings = Settings(environment="development")
    assert settings.webhook_secret.get_secret_value() == DEV_SECRET


@pytest.mark.parametrize("environment", ["test", "production"])
@pytest.mark.parametrize("name", PLACEHOLDER_GUARDED)
def test_outside_development_each_placeholder_is_refused_by_name(
    environment: str, name: str
) -> None:
    values = {**TEST_SECRETS, name: DEV_SECRET}
    with pytest.raises(ValidationError, match=f"C360_{name.upper()}"):
        Settings(environment=environment, **values)


def test_real_secrets_are_accepted_in_production() -> None:
    assert Settings(environment="production", **TEST_SECRETS).environment == "production"


def test_a_service_with_a_placeholder_stops_with_one_clear_line() -> None:
    env = {"C360_ENVIRONMENT": "production", "C360_PSEUDONYM_KEY": "set", "PATH": ""}
    env |= {"C360_SERVICE_CLIENT_SECRET": "set", "C360_DATA_KEK": "set"}
    env |= {"C360_IDENTITY_INDEX_KEY": "set"}
    done = subprocess.run(
        [sys.executable, "-m", "services.notifier"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "c360: refusing to start: the development placeholder is still set in "
        "C360_WEBHOOK_SECRET; "
        "set real secrets (C360_ENVIRONMENT=production is not development)"
    ]


def test_a_kafka_principal_without_its_password_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="C360_KAFKA_PASSWORD"):
        Settings(environment="test", **TEST_SECRETS, kafka_username="c360-notifier")


def test_the_local_stacks_kafka_passwords_serve_tests_but_never_production() -> None:
    local: dict[str, Any] = {
        "kafka_username": "c360-notifier",
        "kafka_password": "c360-notifier-local",
    }
    assert Settings(environment="test", **TEST_SECRETS, **local).kafka_username == "c360-notifier"
    with pytest.raises(ValidationError, match="C360_KAFKA_PASSWORD"):
        Settings(environment="production", **TEST_SECRETS, **local)
    real: dict[str, Any] = {"kafka_username": "c360-notifier", "kafka_password": "s3cret"}
    assert Settings(environment="production", **TEST_SECRETS, **real).environment == "production"


def test_without_a_kafka_principal_its_password_is_not_asked_for() -> None:
    assert Settings(environment="production", **TEST_SECRETS).kafka_username is None
