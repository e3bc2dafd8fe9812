"""Mailpit, a local SMTP server whose web UI and API show every mail the notifier sends."""

import shutil
from pathlib import Path

from . import probes, provisioning
from .component import Component, Launch, Prerequisite, Provision
from .layout import Layout
from .settings import HOST

MODULE = "github.com/axllent/mailpit"
VERSION = "v1.33.1"


def binary(layout: Layout) -> Path:
    return layout.cache / f"mailpit-{VERSION}" / "mailpit"


def component(layout: Layout) -> Component:
    settings = layout.settings
    port, smtp_port = settings.mailpit_port, settings.mailpit_smtp_port
    data = layout.data_dir("mailpit", port)

    def launch() -> Launch:
        data.mkdir(parents=True, exist_ok=True)
        command = [str(binary(layout)), f"--listen={HOST}:{port}", f"--smtp={HOST}:{smtp_port}"]
        # Local only: accept any SMTP login over plain text, never ask the internet for updates.
        command += [f"--database={data}/mailpit.db", "--smtp-auth-accept-any"]
        command += ["--smtp-auth-allow-insecure", "--disable-version-check"]
        return Launch(command)

    provision = Provision(
        f"mailpit {VERSION} built at {binary(layout)}",
        binary(layout).exists,
        lambda: provisioning.go_install(layout.cache, f"{MODULE}@{VERSION}", binary(layout)),
    )
    return Component(
        name="mailpit",
        port=port,
        port_setting="C360_MAILPIT_PORT",
        group="infra",
        launch=launch,
        probe=lambda: probes.http_ok(f"http://{HOST}:{port}/api/v1/messages?limit=1"),
        data_dir=data,
        log_file=layout.log_file("mailpit", port),
        marker=f"--listen={HOST}:{port}",
        prerequisites=(Prerequisite(lambda: shutil.which("go") is not None, "golang-go", True),),
        provision=provision,
        compose_service="mailpit",
        describe=lambda: f"smtp={HOST}:{smtp_port}",
    )
