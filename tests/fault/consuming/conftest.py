"""A private FerretDB (SQLite handler, own state directory, free port) for tests that stop the
store: the shared one on 27017 is never touched. The local stack's engine starts, kills and
stops it."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.infra import REPO, STACK, Infra
from tests.processes import free_port

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class PrivateStore:
    port: int
    env: dict[str, str]

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def stack(self, *args: str) -> str:
        result = subprocess.run(
            [*STACK, *args], cwd=REPO, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"stack {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        """SIGKILL: the store vanishes mid-write, as it does when its host dies."""
        self.stack("kill", "ferretdb")

    def start(self) -> None:
        self.stack("up", "ferretdb")


@pytest.fixture(scope="session")
def private_store(infra: Infra) -> Iterator[PrivateStore]:
    state = REPO / ".c360" / f"fault-consuming-{os.getpid()}"
    env = {
        **os.environ,
        "C360_STATE_DIR": str(state),
        "C360_MONGO_PORT": str(free_port()),
        "C360_STORE_HANDLER": "sqlite",
    }
    store = PrivateStore(int(env["C360_MONGO_PORT"]), env)
    try:
        store.start()
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and the private store did not start: {exc}", pytrace=False)
        pytest.skip(f"private store unavailable: {exc}")
    try:
        yield store
    finally:
        subprocess.run([*STACK, "stop", "ferretdb"], cwd=REPO, env=env, check=False)
        shutil.rmtree(state, ignore_errors=True)
