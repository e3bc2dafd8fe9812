"""Run c360 services as real OS processes, for end-to-end and fault tests (kill -9 and restart)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.settings import Settings
from tests.infra import REPO

LOG_DIR = REPO / ".c360" / "test-logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment that makes a child process see the same settings as the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        if isinstance(value, dict | list):
            value = json.dumps(value)  # how pydantic-settings reads complex values
        env[f"C360_{name.upper()}"] = str(value)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class ServiceProcess:
    """`python -m <module>` with the given environment; logs go to `.c360/test-logs/`."""

    module: str
    env: dict[str, str]
    ready_url: str | None = None
    name: str = ""
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)
    log_path: Path | None = field(default=None, init=False)

    def start(self, timeout: float = 60.0) -> "ServiceProcess":
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{self.name or self.module}-{os.getpid()}-{time.time_ns()}.log"
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.ready_url:
            try:
                self.wait_ready(timeout)
            except BaseException:
                self.stop()  # a process that never became ready is not left running
                raise
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.module} exited {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                if httpx.get(str(self.ready_url), timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.module} not ready after {timeout}s:\n{self.log_tail()}")

    def kill9(self) -> None:
        """SIGKILL the whole process group: no cleanup, no flush, like a crash."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path else ""


# Each c360 process: its module and the Settings field of its HTTP port.
PROCESSES = {
    "contacts": ("services.contacts", "CONTACTS_PORT"),
    "interactions": ("services.interactions", "INTERACTIONS_PORT"),
    "projections": ("services.projections", "PROJECTIONS_PORT"),
    "worker": ("services.projections.worker", "PROJECTIONS_WORKER_PORT"),
    "notifier": ("services.notifier", "NOTIFIER_PORT"),
    "analytics": ("services.analytics", "ANALYTICS_PORT"),
    "kpis": ("services.kpis", "KPIS_PORT"),
}


@contextmanager
def running(settings: Settings, *names: str, **extra_env: str) -> Iterator[dict[str, str]]:
    """Start the named c360 processes (keys of PROCESSES) on free ports with the test's settings,
    each knowing where the others are; yields their base URLs and stops them afterwards."""
    ports = {name: free_port() for name in names}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = settings_env(
        settings,
        **{f"C360_{PROCESSES[n][1]}": str(p) for n, p in ports.items()},
        **{f"C360_{n.upper()}_URL": u for n, u in urls.items() if n != "worker"},
        **extra_env,
    )
    started: list[ServiceProcess] = []
    try:
        for name in names:
            module = PROCESSES[name][0]
            started.append(ServiceProcess(module, env, f"{urls[name]}/readyz", name).start())
        yield urls
    finally:
        for process in started:
            process.stop()
