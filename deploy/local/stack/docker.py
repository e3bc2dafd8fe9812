"""The fallback for machines with a Docker engine but not the JDK, Maven or Go: official images."""

import shutil
import subprocess
from collections.abc import Sequence

from .console import fail, say
from .layout import Layout
from .settings import REPO

COMPOSE_FILE = REPO / "deploy" / "docker-compose.infra.yml"


def docker_reachable() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def compose(*args: str) -> list[str]:
    return ["docker", "compose", "-f", str(COMPOSE_FILE), *args]


def docker_up(layout: Layout, services: Sequence[str]) -> None:
    say(f"a Docker engine is reachable: starting the official images of {COMPOSE_FILE.name}")
    if subprocess.run(compose("up", "-d", "--wait", *services)).returncode:
        fail("docker compose up failed")
    layout.state.mkdir(parents=True, exist_ok=True)
    (layout.state / "docker-mode").touch()


def docker_down(layout: Layout, purge: bool) -> None:
    marker = layout.state / "docker-mode"
    if not marker.exists() or not docker_reachable():
        return
    subprocess.run(compose("down", *(["--volumes"] if purge else [])), check=False)
    marker.unlink()
