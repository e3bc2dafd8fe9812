"""The stack engine drives real processes: a tiny HTTP server stands in for a component row."""

import dataclasses
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local.stack import probes
from deploy.local.stack.component import Component, Launch
from deploy.local.stack.console import StackError
from deploy.local.stack.engine import Stack
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import StackSettings
from tests.processes import free_port


def web_server(layout: Layout, port: int, command: list[str] | None = None) -> Component:
    server = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    return Component(
        name="web",
        port=port,
        port_setting="WEB_PORT",
        group="infra",
        launch=lambda: Launch(command or server, cwd=layout.state),
        probe=lambda: probes.http_ok(f"http://127.0.0.1:{port}/"),
        data_dir=layout.state,
        log_file=layout.log_file("web", port),
        marker=f"http.server --bind 127.0.0.1 {port}",
    )


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    settings = StackSettings(state_dir=tmp_path / "state", cache_dir=tmp_path / "cache")
    settings.state_dir.mkdir()
    return Layout(settings.model_copy(update={"start_timeout": 60.0, "stop_timeout": 20.0}))


@pytest.fixture
def stack(layout: Layout) -> Iterator[Stack]:
    row = web_server(layout, free_port())
    local = Stack(layout, {row.name: row})
    yield local
    local.stop(row, kill=True)


def test_start_waits_until_ready_and_a_second_start_reuses_the_process(stack: Stack) -> None:
    row = stack.table["web"]
    stack.start(row)
    pid = stack.live_pid(row)
    assert pid is not None
    assert stack.state_of(row) == ("running", str(pid))
    stack.start(row)
    assert stack.live_pid(row) == pid


def test_stop_ends_the_process_and_forgets_its_pid(stack: Stack) -> None:
    row = stack.table["web"]
    stack.start(row)
    stack.stop(row)
    assert stack.state_of(row) == ("stopped", "-")
    assert not stack.pid_file(row).exists()


def test_kill_is_a_crash_the_next_start_recovers_from(stack: Stack) -> None:
    row = stack.table["web"]
    stack.start(row)
    first = stack.live_pid(row)
    stack.stop(row, kill=True)
    assert stack.state_of(row)[0] == "stopped"
    stack.start(row)
    assert stack.live_pid(row) not in (None, first)


def test_a_running_component_whose_setup_changed_is_restarted(stack: Stack) -> None:
    changed: list[str] = []
    row = dataclasses.replace(stack.table["web"], outdated=lambda: changed[-1] if changed else None)
    stack.start(row)
    first = stack.live_pid(row)
    stack.start(row)
    assert stack.live_pid(row) == first  # nothing changed: reused
    changed.append("its realm file changed")
    stack.start(row)
    assert stack.live_pid(row) not in (None, first)


def test_a_pid_file_naming_someone_elses_process_is_not_ours(stack: Stack) -> None:
    row = stack.table["web"]
    stack.pid_file(row).parent.mkdir(parents=True, exist_ok=True)
    stack.pid_file(row).write_text("1\n")
    assert stack.live_pid(row) is None


def test_a_server_already_answering_on_the_port_is_reused(layout: Layout) -> None:
    foreign = Stack(layout, {"web": web_server(layout, free_port())})
    row = foreign.table["web"]
    foreign.start(row)
    pid = foreign.live_pid(row)
    # Another state directory sees the same port answering: it uses it, starts nothing.
    other = Layout(layout.settings.model_copy(update={"state_dir": layout.state / "other"}))
    second = Stack(other, {"web": web_server(other, row.port)})
    second.start(second.table["web"])
    assert second.live_pid(second.table["web"]) is None
    assert second.state_of(second.table["web"]) == ("running", "external")
    assert foreign.live_pid(row) == pid
    foreign.stop(row)


def test_a_port_taken_by_something_else_is_named_with_its_setting(stack: Stack) -> None:
    row = stack.table["web"]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", row.port))
        squatter.listen()
        with pytest.raises(StackError, match="WEB_PORT"):
            stack.start(row)


def test_a_component_that_exits_during_start_fails_with_its_log(layout: Layout) -> None:
    port = free_port()
    crash = [sys.executable, "-c", "print('no config here'); raise SystemExit(3)"]
    row = web_server(layout, port, command=crash)
    with pytest.raises(StackError, match="no config here"):
        Stack(layout, {"web": row}).start(row)


def test_a_preparation_step_may_log_before_the_first_start_in_a_new_state_dir(
    layout: Layout,
) -> None:
    plain = web_server(layout, free_port())

    def format_storage() -> None:
        with plain.log_file.open("a") as log:
            log.write("formatted\n")

    row = dataclasses.replace(plain, before_start=format_storage)
    local = Stack(layout, {"web": row})
    local.start(row)
    assert row.log_file.read_text().startswith("formatted\n")
    local.stop(row)
