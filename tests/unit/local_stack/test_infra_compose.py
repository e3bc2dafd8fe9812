"""The Docker fallback of `make up` agrees with the native stack and the services' settings."""

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from deploy.local.stack.components import table
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import StackSettings
from shared.settings import Settings

REPO = Path(__file__).resolve().parents[3]
COMPOSE = REPO / "deploy" / "docker-compose.infra.yml"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def published(service: str) -> set[int]:
    return {int(str(port).split(":")[-2]) for port in compose()["services"][service]["ports"]}


def native_infra() -> dict[str, str]:
    """component -> the compose service that stands in for it."""
    rows = table(Layout(StackSettings())).values()
    return {row.name: row.compose_service for row in rows if row.compose_service}


def test_every_native_component_with_a_fallback_is_in_the_file() -> None:
    assert set(native_infra().values()) == set(compose()["services"])
    assert set(native_infra()) == {"kafka", "ferretdb", "keycloak", "mailpit"}


def test_ports_are_the_ones_the_services_and_the_native_stack_use_by_default() -> None:
    settings, stack = Settings(), StackSettings()
    assert published("kafka") == {int(settings.kafka_bootstrap.rsplit(":", 1)[1])}
    assert published("mongo") == {urlparse(settings.mongodb_uri).port or 27017}
    assert published("keycloak") == {stack.keycloak_port}
    assert published("mailpit") == {stack.mailpit_port, stack.mailpit_smtp_port}


def test_the_same_realm_file_is_imported() -> None:
    (volume,) = compose()["services"]["keycloak"]["volumes"]
    source, target, _ = volume.split(":")
    assert (COMPOSE.parent / source).resolve() == REPO / "deploy/local/keycloak/c360-realm.json"
    assert target == "/opt/keycloak/data/import/c360-realm.json"


def test_every_service_has_a_healthcheck_so_up_wait_means_ready() -> None:
    for name, service in compose()["services"].items():
        assert service.get("healthcheck", {}).get("test"), name


def test_official_images_only() -> None:
    images = {s["image"].split(":")[0] for s in compose()["services"].values()}
    assert images == {"apache/kafka", "mongo", "quay.io/keycloak/keycloak", "axllent/mailpit"}
