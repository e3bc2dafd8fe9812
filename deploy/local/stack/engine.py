"""The one engine: start, stop and inspect any row of the component table the same way."""

import fcntl
import signal
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import probes, processes
from .component import Component
from .console import PREREQUISITES, USAGE, fail, say, warn
from .layout import Layout

READY_POLL_S = 0.5
GROUPS = {"infra", "services", "all"}


class Stack:
    def __init__(self, layout: Layout, table: dict[str, Component]) -> None:
        self.layout = layout
        self.table = table

    def select(self, names: Sequence[str], with_requirements: bool = True) -> list[Component]:
        """The named components (or groups: infra, the default; services; all) plus what they
        require, in table order."""
        wanted: set[str] = set()
        for name in names or ["infra"]:
            if name in GROUPS:
                wanted |= {c.name for c in self.table.values() if name in ("all", c.group)}
            elif name in self.table:
                wanted.add(name)
            else:
                fail(f"unknown component {name!r} ({', '.join([*GROUPS, *self.table])})", USAGE)
        if with_requirements:
            wanted |= {needed for name in set(wanted) for needed in self._requirements(name)}
        if self.layout.settings.store_handler != "postgresql" and not names:
            wanted.discard("postgres")
        return [row for row in self.table.values() if row.name in wanted]

    def _requirements(self, name: str) -> set[str]:
        direct = set(self.table[name].requires)
        return direct.union(*(self._requirements(needed) for needed in direct))

    def pid_file(self, row: Component) -> Path:
        return self.layout.pid_file(row.name, row.port)

    def live_pid(self, row: Component) -> int | None:
        return processes.live_pid(self.pid_file(row), row.marker)

    def missing(self, rows: Sequence[Component]) -> list[str]:
        return sorted(
            {
                need.package
                for row in rows
                for need in row.prerequisites
                if not need.present()
                and not (need.to_provision and row.provision and row.provision.done())
            }
        )

    @contextmanager
    def locked(self, lock: Path) -> Iterator[None]:
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def provision(self, row: Component) -> None:
        if row.provision is None:
            return
        with self.locked(self.layout.cache / ".provision.lock"):
            if row.provision.done():
                return
            started = time.monotonic()
            row.provision.run()
            say(f"{row.name}: provisioned {row.provision.what} ({time.monotonic() - started:.1f}s)")

    def start(self, row: Component) -> None:
        """Start `row` unless it runs, and wait until it is ready."""
        self.start_all([row])

    def start_all(self, rows: Sequence[Component]) -> None:
        """Launch every row that does not run, then wait for each (independent rows only)."""
        launched = [(row, pid) for row in rows if (pid := self.launch(row)) is not None]
        for row, pid in launched:
            self.wait_ready(row, pid)
            if row.after_start:
                row.after_start()

    def launch(self, row: Component) -> int | None:
        """The pid to wait for; None when the component already answers."""
        pid = self.live_pid(row)
        if pid is not None and (reason := row.outdated()) is not None:
            say(f"{row.name} runs an outdated setup ({reason}); restarting it")
            self.stop(row)
            pid = None
        if pid is not None:
            if row.probe():
                say(f"{row.name} already running (pid {pid}, port {row.port})")
                return None
            say(f"{row.name} is starting (pid {pid}); waiting")
            return pid
        self.pid_file(row).unlink(missing_ok=True)
        if probes.port_open(row.port):
            if row.probe():
                say(f"{row.name} already answering on port {row.port} (not started here; using it)")
                return None
            fail(
                f"port {row.port} is taken by something that is not {row.name}; "
                f"free it or set {row.port_setting}"
            )
        missing = self.missing([row])
        if missing:
            fail(f"{row.name} needs: {', '.join(missing)} (apt-get install -y ...)", PREREQUISITES)
        self.provision(row)
        row.log_file.parent.mkdir(parents=True, exist_ok=True)
        if row.before_start:
            row.before_start()
        say(f"starting {row.name} on port {row.port} (log: {row.log_file})")
        return processes.spawn(row.launch(), self.pid_file(row), row.log_file).pid

    def wait_ready(self, row: Component, pid: int) -> None:
        started = time.monotonic()
        timeout = max(self.layout.settings.start_timeout, row.start_timeout)
        deadline = started + timeout
        while not row.probe():
            if not processes.running(pid):
                fail(f"{row.name} exited during start:\n{self.log_tail(row)}")
            if time.monotonic() > deadline:
                fail(
                    f"{row.name} not ready after {timeout:.0f}s, "
                    f"still running as pid {pid} (raise C360_START_TIMEOUT):\n{self.log_tail(row)}"
                )
            time.sleep(READY_POLL_S)
        say(f"{row.name} ready on port {row.port} ({time.monotonic() - started:.1f}s)")

    def log_tail(self, row: Component, lines: int = 30) -> str:
        if not row.log_file.exists():
            return ""
        tail = row.log_file.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(f"  | {line}" for line in tail)

    def stop(self, row: Component, kill: bool = False) -> None:
        pid = self.live_pid(row)
        if pid is None:
            if self.pid_file(row).exists():
                say(f"{row.name} on port {row.port} was not running (stale pid file removed)")
            self.pid_file(row).unlink(missing_ok=True)
            return
        say(f"{'killing' if kill else 'stopping'} {row.name} (pid {pid}, port {row.port})")
        if kill:
            processes.signal_group(pid, signal.SIGKILL)
            processes.wait_exit(pid, self.layout.settings.stop_timeout)
        elif not processes.stop(pid, row.stop_signal, self.layout.settings.stop_timeout):
            warn(f"{row.name} (pid {pid}) ignored {row.stop_signal.name}; it was killed")
        self.pid_file(row).unlink(missing_ok=True)

    def state_of(self, row: Component) -> tuple[str, str]:
        pid = self.live_pid(row)
        if pid is not None:
            return ("running" if row.probe() else "starting"), str(pid)
        if probes.port_open(row.port) and row.probe():
            return "running", "external"
        return "stopped", "-"
