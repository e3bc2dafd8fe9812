"""The Docker fallback of `make up` agrees with the native stack and the services' settings."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[3]
COMPOSE = REPO / "deploy" / "docker-compose.infra.yml"
STACK = REPO / "deploy" / "local" / "stack.sh"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def published(service: str) -> set[int]:
    return {int(str(port).split(":")[-2]) for port in compose()["services"][service]["ports"]}


def test_the_services_stack_sh_starts_are_in_the_file() -> None:
    names = set(re.findall(r"\) echo (\w+) ;;", STACK.read_text().split("docker_services()")[1]))
    assert names == {"kafka", "mongo"}
    assert names <= set(compose()["services"])


def test_ports_are_the_ones_the_services_use_by_default() -> None:
    settings = Settings()
    assert published("kafka") == {int(settings.kafka_bootstrap.rsplit(":", 1)[1])}
    assert published("mongo") == {urlparse(settings.mongodb_uri).port or 27017}


def test_every_service_has_a_healthcheck_so_up_wait_means_ready() -> None:
    for name, service in compose()["services"].items():
        assert service.get("healthcheck", {}).get("test"), name


def test_official_images_only() -> None:
    images = {s["image"].split(":")[0] for s in compose()["services"].values()}
    assert images == {"apache/kafka", "mongo"}
