"""A private FerretDB (SQLite handler, own state directory, free port) for tests that stop the
store: the shared one on 27017 is never touched. Stopped by its pid, like the private broker."""

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.infra import REPO, STACK, Infra
from tests.processes import free_port

STOP_TIMEOUT_S = 30.0
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
            [str(STACK), *args], env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"stack.sh {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        """SIGKILL: the store vanishes mid-write, as it does when its host dies."""
        pid = int(self.stack("pid", "ferretdb").strip())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)

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
        with_pid = subprocess.run(
            [str(STACK), "pid", "ferretdb"], env=env, capture_output=True, text=True, check=False
        )
        if with_pid.returncode == 0 and with_pid.stdout.strip().isdigit():
            os.kill(int(with_pid.stdout.strip()), signal.SIGTERM)
        shutil.rmtree(state, ignore_errors=True)
