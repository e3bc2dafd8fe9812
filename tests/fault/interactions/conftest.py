"""A private Kafka broker for tests that restart it: colleagues' tests keep the shared one.

The local stack's engine starts it on free ports with its own state directory; the session
fixture stops it and deletes that directory (and only it) at the end.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.infra import REPO, STACK, Infra
from tests.processes import free_port

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class PrivateKafka:
    port: int
    env: dict[str, str]

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stack(self, *args: str) -> str:
        result = subprocess.run(
            [*STACK, *args], cwd=REPO, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"stack {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        """SIGTERM (a controlled shutdown), and wait until the broker has exited."""
        self.stack("stop", "kafka")

    def restart(self) -> None:
        """Stop the broker and start it again on the same data and ports."""
        self.stop()
        self.stack("up", "kafka")


@pytest.fixture(scope="session")
def private_kafka(infra: Infra) -> Iterator[PrivateKafka]:
    state = REPO / ".c360" / f"fault-interactions-{os.getpid()}"
    env = {
        **os.environ,
        "C360_STATE_DIR": str(state),
        "C360_KAFKA_PORT": str(free_port()),
        "C360_KAFKA_CONTROLLER_PORT": str(free_port()),
        "C360_KAFKA_HEAP": "-Xms256m -Xmx512m",
        "C360_STOP_TIMEOUT": "60",
    }
    kafka = PrivateKafka(int(env["C360_KAFKA_PORT"]), env)
    try:
        kafka.stack("up", "kafka")
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and the private broker did not start: {exc}", pytrace=False)
        pytest.skip(f"private broker unavailable: {exc}")
    try:
        yield kafka
    finally:
        kafka.stop()
        shutil.rmtree(Path(state), ignore_errors=True)
