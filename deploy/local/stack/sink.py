"""The notification sink: where SMS and team webhooks go on the local stack, listed on a page."""

import sys

from . import probes
from .component import Component, Launch
from .layout import Layout
from .settings import HOST, REPO

MODULE = "deploy.local.sink"


def component(layout: Layout) -> Component:
    port = layout.settings.sink_port
    data = layout.data_dir("sink", port)

    def launch() -> Launch:
        data.mkdir(parents=True, exist_ok=True)
        env = {"C360_SINK_JOURNAL": str(data / "arrivals.jsonl"), "PYTHONUNBUFFERED": "1"}
        return Launch([sys.executable, "-m", MODULE, str(port)], env=env, cwd=REPO)

    return Component(
        name="sink",
        port=port,
        port_setting="C360_SINK_PORT",
        group="infra",
        launch=launch,
        probe=lambda: probes.http_ok(f"http://{HOST}:{port}/healthz"),
        data_dir=data,
        log_file=layout.log_file("sink", port),
        marker=f"-m {MODULE} {port}",
        describe=lambda: f"page=http://{HOST}:{port}/",
    )
