"""The local stack's table of components: the projection workers `make up` runs."""

from pathlib import Path

import pytest

from deploy.local.stack.components import table
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import StackSettings
from shared.settings import Settings

PORT = "C360_PROJECTIONS_WORKER_PORT"


def projectors(tmp_path: Path, count: int) -> dict[str, tuple[int, str | None]]:
    layout = Layout(StackSettings(state_dir=tmp_path, projectors=count).absolute())
    rows = table(layout)
    return {
        name: (row.port, row.launch().env.get(PORT))
        for name, row in rows.items()
        if name.startswith("projector")
    }


def test_the_projection_workers_run_on_the_ports_after_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PORT, raising=False)
    first = Settings().projections_worker_port
    assert projectors(tmp_path, 3) == {
        "projector": (first, None),  # its port from the settings, as every service
        "projector-2": (first + 1, str(first + 1)),
        "projector-3": (first + 2, str(first + 2)),
    }
    assert projectors(tmp_path, 1) == {"projector": (first, None)}


def test_a_port_in_the_environment_moves_the_first_worker_not_the_others_onto_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PORT, "9013")
    assert projectors(tmp_path, 2) == {
        "projector": (9013, None),
        "projector-2": (9014, "9014"),
    }
