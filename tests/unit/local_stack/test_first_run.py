"""A fresh machine: no state directory and no cache. The plan is resolved without fetching."""

import subprocess
import sys
from pathlib import Path

from deploy.local.stack.components import table
from deploy.local.stack.engine import Stack
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import REPO, StackSettings

FETCHED = {"kafka", "ferretdb", "keycloak", "mailpit"}


def test_with_an_empty_cache_every_fetched_component_is_planned_into_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    layout = Layout(StackSettings(cache_dir=cache, state_dir=tmp_path / "state"))
    rows = Stack(layout, table(layout)).select(["all"])
    planned = {row.name: row.provision for row in rows if row.provision}
    assert set(planned) == FETCHED
    for provision in planned.values():
        assert not provision.done()
        assert str(cache) in provision.what
    assert not cache.exists()
    assert not (tmp_path / "state").exists()


def test_the_plan_command_runs_without_state_or_cache(tmp_path: Path) -> None:
    env = {"C360_CACHE_DIR": str(tmp_path / "cache"), "C360_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "deploy.local.stack", "plan", "all"],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = dict(line.split(maxsplit=1) for line in done.stdout.splitlines())
    assert set(lines) == FETCHED
    assert all(line.startswith("to fetch") for line in lines.values())


def test_postgres_comes_with_ferretdb_only_on_the_postgresql_handler(tmp_path: Path) -> None:
    for handler, expected in (("postgresql", True), ("sqlite", False)):
        settings = StackSettings(state_dir=tmp_path, store_handler=handler)
        layout = Layout(settings)
        names = [row.name for row in Stack(layout, table(layout)).select(["ferretdb"])]
        assert ("postgres" in names) is expected
        assert names[-1] == "ferretdb"
