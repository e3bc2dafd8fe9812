"""Private copies of one stack component (a broker, a store) for fault tests that kill or restart
it: free ports, their own state directory, started, killed and stopped by the local stack's engine.
The shared stack is never touched; the state directory (and only it) is deleted at the end."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pytest

from tests.infra import REPO, STACK
from tests.processes import free_port

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class PrivateComponent:
    component: str  # its name in the stack's table: `kafka`, `ferretdb`...
    port: int
    env: dict[str, str]  # the settings that make the engine manage this copy, not the shared one

    def stack(self, *args: str) -> str:
        result = subprocess.run(
            [*STACK, *args], cwd=REPO, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"stack {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.stack("up", self.component)

    def stop(self) -> None:
        """SIGTERM (a controlled shutdown), and wait until the process has exited."""
        self.stack("stop", self.component)

    def kill(self) -> None:
        """SIGKILL: the component vanishes mid-request, as it does when its host dies."""
        self.stack("kill", self.component)

    def restart(self) -> None:
        """Stop it and start it again on the same data and ports."""
        self.stop()
        self.start()


class PrivateKafka(PrivateComponent):
    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"


class PrivateStore(PrivateComponent):
    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"


Private = TypeVar("Private", bound=PrivateComponent)


@contextmanager
def running_privately(
    kind: type[Private], component: str, port_setting: str, **settings: str
) -> Iterator[Private]:
    """A private `component` listening on a free port given to it as `port_setting`; in CI a
    copy that does not start fails the run, elsewhere it skips with the reason."""
    state = REPO / ".c360" / f"private-{component}-{os.getpid()}"
    port = free_port()
    env = {**os.environ, "C360_STATE_DIR": str(state), port_setting: str(port), **settings}
    private = kind(component, port, env)
    try:
        private.start()
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and the private {component} did not start: {exc}", pytrace=False)
        pytest.skip(f"private {component} unavailable: {exc}")
    try:
        yield private
    finally:
        subprocess.run([*STACK, "stop", component], cwd=REPO, env=env, check=False)
        shutil.rmtree(state, ignore_errors=True)
