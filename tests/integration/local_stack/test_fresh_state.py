"""A component starts in a brand-new state directory nested in one that does not exist yet
(as the fault tests' private brokers do): the engine creates every directory it needs."""

from pathlib import Path

import pytest

from deploy.local.stack import mailpit
from deploy.local.stack.components import table
from deploy.local.stack.engine import Stack
from deploy.local.stack.layout import Layout
from deploy.local.stack.settings import StackSettings
from tests.integration.local_stack.conftest import IN_CI
from tests.processes import free_port


def test_mailpit_starts_and_stops_in_an_empty_nested_state_directory(tmp_path: Path) -> None:
    state = tmp_path / "not-yet" / "state"
    settings = StackSettings(
        state_dir=state, mailpit_port=free_port(), mailpit_smtp_port=free_port()
    )
    layout = Layout(settings.model_copy(update={"start_timeout": 120.0}))
    if not mailpit.binary(layout).exists():
        message = (
            f"mailpit is not built in {layout.cache} (python -m deploy.local.stack up mailpit)"
        )
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    local = Stack(layout, table(layout))
    row = local.table["mailpit"]
    try:
        local.start(row)
        assert local.state_of(row)[0] == "running"
        assert row.log_file.is_file()
        assert local.pid_file(row).is_file()
    finally:
        local.stop(row)
    assert local.state_of(row) == ("stopped", "-")
