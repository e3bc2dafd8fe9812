"""A row of the component table: how a component is provisioned, started, probed and stopped."""

import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Prerequisite:
    """A tool that must be on the machine, and the Debian package that brings it."""

    present: Callable[[], bool]
    package: str
    # Only needed while the cache lacks the component (Maven, Go), not to run it.
    to_provision: bool = False


@dataclass(frozen=True)
class Provision:
    """An artefact built or downloaded once into the cache; `done` tells whether it is there."""

    what: str
    done: Callable[[], bool]
    run: Callable[[], None]


@dataclass(frozen=True)
class Launch:
    command: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    # Run as this unprivileged user (PostgreSQL refuses root).
    user: str | None = None


@dataclass(frozen=True)
class Component:
    name: str
    port: int
    port_setting: str
    group: str  # "infra" or "services"
    launch: Callable[[], Launch]
    probe: Callable[[], bool]
    data_dir: Path
    log_file: Path
    # A string only this instance's command line holds, so a recycled pid is never taken for it.
    marker: str
    requires: tuple[str, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    provision: Provision | None = None
    before_start: Callable[[], None] | None = None
    after_start: Callable[[], None] | None = None
    stop_signal: signal.Signals = signal.SIGTERM
    compose_service: str | None = None
    # Seconds to wait for readiness when longer than C360_START_TIMEOUT (a JVM building itself).
    start_timeout: float = 0.0
    describe: Callable[[], str] = lambda: ""
    # Why a running instance no longer matches what it was started from (None: it does), e.g.
    # Keycloak started before its realm file changed; `up` restarts it then.
    outdated: Callable[[], str | None] = lambda: None
