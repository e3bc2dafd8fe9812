"""`python -m deploy.local.stack COMMAND`: the local stack's command line (`--help` lists all)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from shared.kafka_access import OPS, local_password

from . import idle, kafka, keycloak
from .components import table
from .console import PREREQUISITES, USAGE, StackError, fail, say, warn
from .docker import docker_down, docker_reachable, docker_up
from .engine import Stack
from .layout import Layout
from .settings import HOST, REPO, StackSettings

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False
)
Names = Annotated[
    list[str] | None, typer.Argument(help="components or groups: infra, services, all")
]


def stack() -> Stack:
    layout = Layout(StackSettings().absolute())
    return Stack(layout, table(layout))


@app.command()
def up(names: Names = None) -> None:
    """Provision what is missing, start what is not running, wait until each answers."""
    started, local = time.monotonic(), stack()
    rows = local.select(names or [])
    missing = local.missing([row for row in rows if row.group == "infra"])
    if missing:
        if "postgresql" not in missing and docker_reachable():
            warn(f"missing native prerequisites: {' '.join(missing)}")
            docker_up(local.layout, [row.compose_service for row in rows if row.compose_service])
            return
        fail(f"missing: {', '.join(missing)}; install them (apt-get install -y ...)", PREREQUISITES)
    with local.locked(local.layout.state / ".lock"):
        # Infrastructure in order (FerretDB needs PostgreSQL), then the services all at once.
        for row in rows:
            if row.group == "infra":
                local.start(row)
        local.start_all([row for row in rows if row.group == "services"])
    say(f"up in {time.monotonic() - started:.1f}s")


@app.command()
def start(names: Names = None) -> None:
    """Same as up (for symmetry with stop)."""
    up(names)


@app.command()
def stop(names: Names = None) -> None:
    """Stop the named components (dependants first); their data is kept."""
    local = stack()
    with local.locked(local.layout.state / ".lock"):
        for row in reversed(local.select(names or [], with_requirements=False)):
            local.stop(row)


@app.command()
def restart(names: Names = None) -> None:
    stop(names)
    up(names)


@app.command()
def kill(names: Names = None) -> None:
    """SIGKILL the named components (a crash); their data is kept."""
    local = stack()
    with local.locked(local.layout.state / ".lock"):
        for row in reversed(local.select(names or [], with_requirements=False)):
            local.stop(row, kill=True)


@app.command()
def down(purge: Annotated[bool, typer.Option(help="also delete their data")] = False) -> None:
    """Stop everything this stack started, services first."""
    local = stack()
    with local.locked(local.layout.state / ".lock"):
        for row in reversed(local.table.values()):
            local.stop(row)
    docker_down(local.layout, purge)
    if purge:
        state = local.layout.state
        if state in (REPO, REPO.parent, Path.home(), Path("/")):
            fail(f"refusing to delete {state}", USAGE)
        for row in local.table.values():
            if row.group == "infra":
                shutil.rmtree(row.data_dir, ignore_errors=True)
                row.log_file.unlink(missing_ok=True)
        say(f"purged the data under {state}")
    say("stopped")


@app.command()
def status(names: Names = None) -> None:
    """One line per component; exit 1 unless every one asked for answers."""
    local, healthy = stack(), True
    for row in local.select(names or ["all"], with_requirements=False):
        state, pid = local.state_of(row)
        healthy &= state == "running"
        where = f"{HOST}:{row.port}"
        print(f"[c360-stack] {row.name:<12} {state:<8} pid={pid:<8} {where:<15} {row.describe()}")
    raise typer.Exit(0 if healthy else 1)


@app.command()
def env() -> None:
    """The settings the services need to find this stack, as NAME=value lines."""
    settings = StackSettings()
    print(f"C360_KAFKA_BOOTSTRAP={HOST}:{settings.kafka_port}")
    if settings.kafka_sasl:  # the ops principal: what a person at this stack works as
        print(f"C360_KAFKA_USERNAME={OPS}")
        print(f"C360_KAFKA_PASSWORD={local_password(OPS)}")
    print(f"C360_MONGODB_URI=mongodb://{HOST}:{settings.mongo_port}/")
    print(f"C360_OIDC_ISSUER={keycloak.issuer(settings.keycloak_port)}")
    print(f"C360_SMTP_HOST={HOST}")
    print(f"C360_SMTP_PORT={settings.mailpit_smtp_port}")


@app.command()
def pid(name: str) -> None:
    """The pid of a running component."""
    local = stack()
    (row,) = local.select([name], with_requirements=False)
    found = local.live_pid(row)
    if found is None:
        fail(f"{name} is not running")
    print(found)


@app.command()
def provision(names: Names = None) -> None:
    """Download and build what the components need into the cache (idempotent)."""
    local = stack()
    for row in local.select(names or ["infra"]):
        local.provision(row)


@app.command()
def plan(names: Names = None) -> None:
    """What provision would do, without doing it."""
    local = stack()
    for row in local.select(names or ["infra"]):
        if row.provision:
            cached = "cached" if row.provision.done() else "to fetch"
            print(f"{row.name:<10} {cached}: {row.provision.what}")


@app.command()
def idle_cpu(
    seconds: Annotated[float, typer.Option(help="length of the measurement window")] = 60.0,
    names: Names = None,
) -> None:
    """CPU seconds per minute and resident memory of each running component (leave it idle)."""
    local = stack()
    roots = {}
    for row in local.select(names or ["all"], with_requirements=False):
        pid = local.live_pid(row) or idle.listener(row.port)
        if pid is not None:
            roots[row.name] = pid
    say(f"measuring {len(roots)} components for {seconds:.0f}s")
    print(f"{'component':<13} {'CPU s/min':>9} {'RSS MiB':>8}")
    for name, (cpu, rss) in idle.measure(roots, seconds).items():
        print(f"{name:<13} {cpu:>9.2f} {rss / 2**20:>8.0f}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def kafka_tool(ctx: typer.Context, main_class: str) -> None:
    """Run a Kafka tool from the cached jars, e.g. org.apache.kafka.tools.TopicCommand --list
    --bootstrap-server 127.0.0.1:9092."""
    local = stack()
    local.provision(local.table["kafka"])
    command = kafka.tool(local.layout, main_class, *ctx.args)
    os.execvp(command[0], command)


def main() -> None:
    try:
        app()
    except StackError as error:
        print(f"[c360-stack] error: {error}", file=sys.stderr)
        sys.exit(error.code)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
