"""The Mongo-protocol store: FerretDB v1 (built from our embedding main) on a private PostgreSQL
from Debian's packages, or on SQLite alone."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from . import ferretdb_patch, probes, processes, provisioning
from .component import Component, Launch, Prerequisite, Provision
from .console import fail, say, warn
from .layout import Layout
from .settings import HERE, HOST

FERRETDB_SOURCE = HERE / "ferretdb"


def pg_bin(layout: Layout) -> Path:
    if layout.settings.pg_bin:
        return layout.settings.pg_bin
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_major, reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else Path("/usr/lib/postgresql/bin")


def _major(initdb: Path) -> int:
    return int(initdb.parts[-3]) if initdb.parts[-3].isdigit() else 0


# Each FerretDB keeps up to 50 connections; the shared store, a fault test's private store on the
# same server and a benchmark's raw client would pass PostgreSQL's default of 100.
CONNECTIONS = "max_connections=300"


def postgres(layout: Layout) -> Component:
    settings = layout.settings
    port = settings.pg_port
    pg_home = layout.unprivileged_home()
    data = pg_home / f"postgres-{port}"
    log = pg_home / "logs" / f"postgres-{port}.log"
    user = settings.pg_os_user if os.geteuid() == 0 else None

    def before_start() -> None:
        if user:
            _ensure_system_user(user)
        for directory in (data / "run", log.parent):
            directory.mkdir(parents=True, exist_ok=True)
        log.touch()
        if user:
            pg_home.chmod(pg_home.stat().st_mode | 0o011)
            log.parent.chmod(0o755)
            for path in (data, data / "run", log):
                shutil.chown(path, user)
        if not (data / "data" / "PG_VERSION").exists():
            say(f"postgres: initdb in {data}/data")
            initdb = [
                str(pg_bin(layout) / "initdb"),
                "-D",
                str(data / "data"),
                "--username=postgres",
            ]
            initdb += ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
            _run_as(user, initdb, log)

    def after_start() -> None:
        psql = [str(pg_bin(layout) / "psql"), "-h", HOST, "-p", str(port), "-U", "postgres"]
        query = "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'"
        found = subprocess.run([*psql, "-d", "postgres", "-tAc", query], capture_output=True)
        if not found.stdout.strip():
            _run_as(user, [*psql, "-d", "postgres", "-c", "CREATE DATABASE ferretdb"], log)

    def launch() -> Launch:
        command = [str(pg_bin(layout) / "postgres"), "-D", str(data / "data"), "-p", str(port)]
        command += ["-c", f"listen_addresses={HOST}", "-c", f"unix_socket_directories={data}/run"]
        return Launch([*command, "-c", CONNECTIONS], user=user)

    def outdated() -> str | None:
        pid = processes.live_pid(layout.pid_file("postgres", port), f"{data}/data")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if pid else b""
        return None if CONNECTIONS.encode() in cmdline else f"started without {CONNECTIONS}"

    return Component(
        name="postgres",
        port=port,
        port_setting="C360_PG_PORT",
        group="infra",
        launch=launch,
        probe=lambda: probes.postgres(pg_bin(layout), port),
        data_dir=data,
        log_file=log,
        marker=f"{data}/data",
        prerequisites=(Prerequisite(lambda: (pg_bin(layout) / "initdb").exists(), "postgresql"),),
        before_start=before_start,
        after_start=after_start,
        # SIGINT is PostgreSQL's fast shutdown: clients are disconnected, not waited for.
        stop_signal=signal.SIGINT,
        outdated=outdated,
    )


def _ensure_system_user(user: str) -> None:
    if subprocess.run(["id", "-u", user], capture_output=True).returncode == 0:
        return
    say(f"postgres: creating system user {user} to run the server (it refuses root)")
    command = ["useradd", "--system", "--user-group", "--no-create-home"]
    command += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user]
    if subprocess.run(command).returncode:
        fail(f"useradd {user} failed; create an unprivileged user and set C360_PG_OS_USER")


def _run_as(user: str | None, command: list[str], log: Path) -> None:
    full = ["runuser", "-u", user, "--", *command] if user else command
    with log.open("ab") as out:
        if subprocess.run(full, stdout=out, stderr=subprocess.STDOUT).returncode:
            fail(f"{Path(command[0]).name} failed (log {log})")


def ferretdb_version() -> str:
    found = re.search(
        r"github.com/FerretDB/FerretDB (v\S+)", (FERRETDB_SOURCE / "go.mod").read_text()
    )
    return found.group(1) if found else "unknown"


def ferretdb_binary(layout: Layout) -> Path:
    sources = [FERRETDB_SOURCE / name for name in ("go.mod", "go.sum", "main.go")]
    sources.append(Path(ferretdb_patch.__file__))
    folder = f"ferretdb-{ferretdb_version()}-{provisioning.content_hash(*sources)}"
    return layout.cache / folder / "c360-ferretdb"


def build_ferretdb(layout: Layout, binary: Path) -> None:
    source = ferretdb_patch.patched_source(layout.cache, FERRETDB_SOURCE, binary.parent / "source")
    provisioning.go_build(layout.cache, source, binary)


def ferretdb(layout: Layout) -> Component:
    settings = layout.settings
    port, handler = settings.mongo_port, settings.store_handler
    data = layout.data_dir("ferretdb", port)
    binary = ferretdb_binary(layout)

    def before_start() -> None:
        data.mkdir(parents=True, exist_ok=True)
        previous = data / "handler"
        if previous.exists() and previous.read_text().strip() != handler:
            used = previous.read_text().strip()
            warn(
                f"ferretdb on port {port} used the {used} handler before and does not see that "
                f"data now (C360_STORE_HANDLER={used} brings it back)"
            )
        previous.write_text(f"{handler}\n")

    def launch() -> Launch:
        postgres_url = f"postgres://postgres@{HOST}:{settings.pg_port}/ferretdb"
        backend = (
            f"--postgresql-url={postgres_url}"
            if handler == "postgresql"
            else f"--sqlite-url=file:{data}/"
        )
        command = [str(binary), f"--listen-addr={HOST}:{port}", f"--handler={handler}", backend]
        return Launch([*command, f"--log-level={settings.ferretdb_log_level}"])

    marker = f"--listen-addr={HOST}:{port}"

    def outdated() -> str | None:
        # A store started from an earlier build (before the _id patch, say) is not reused.
        pid_file = layout.pid_file("ferretdb", port)
        if processes.live_pid(pid_file, f"{binary} {marker}") is None:
            return f"not the current build {binary.parent.name}"
        return None

    provision = Provision(
        f"ferretdb {ferretdb_version()} built at {binary}",
        binary.exists,
        lambda: build_ferretdb(layout, binary),
    )
    return Component(
        name="ferretdb",
        port=port,
        port_setting="C360_MONGO_PORT",
        group="infra",
        launch=launch,
        probe=lambda: probes.mongo(port),
        data_dir=data,
        log_file=layout.log_file("ferretdb", port),
        marker=marker,
        requires=("postgres",) if handler == "postgresql" else (),
        prerequisites=(Prerequisite(lambda: shutil.which("go") is not None, "golang-go", True),),
        provision=provision,
        before_start=before_start,
        compose_service="mongo",
        describe=lambda: f"handler={handler}",
        outdated=outdated,
    )
