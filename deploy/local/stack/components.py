"""The table of components: the infrastructure in start order, then the c360 services."""

import os
import sys

from shared.kafka_access import local_password
from shared.settings import Settings

from . import keycloak, mailpit, probes, sink
from .component import Component, Launch
from .kafka import component as kafka
from .layout import Layout
from .settings import HOST, REPO
from .store import ferretdb, postgres

# name, python module, port setting of shared/settings.py, Kafka principal (shared/kafka_access)
SERVICES = (
    ("contacts", "services.contacts", "contacts_port", "c360-contacts"),
    ("interactions", "services.interactions", "interactions_port", "c360-interactions"),
    ("projections", "services.projections", "projections_port", "c360-projections"),
    ("projector", "services.projections.worker", "projections_worker_port", "c360-projections"),
    ("notifier", "services.notifier", "notifier_port", "c360-notifier"),
    ("analytics", "services.analytics", "analytics_port", "c360-analytics"),
    ("kpis", "services.kpis", "kpis_port", "c360-kpis"),
)


def service(
    layout: Layout,
    name: str,
    module: str,
    port_setting: str,
    principal: str,
    port: int | None = None,
) -> Component:
    """One c360 process; with `port`, another instance of it beside the first."""
    # a second instance is told its port whatever the environment says
    own = {} if port is None else {f"C360_{port_setting.upper()}": str(port)}
    port = getattr(Settings(), port_setting) if port is None else port
    # The notifier mails through the stack's Mailpit and sends SMS and team webhooks to its sink,
    # unless told otherwise.
    local_env = {
        "C360_SMTP_HOST": HOST,
        "C360_SMTP_PORT": str(layout.settings.mailpit_smtp_port),
    }
    local_env |= sink_addresses(layout.settings.sink_port)
    if layout.settings.kafka_sasl:
        local_env |= kafka_credentials(principal)

    def launch() -> Launch:
        env = {"PYTHONUNBUFFERED": "1"} | {k: os.environ.get(k, v) for k, v in local_env.items()}
        return Launch([sys.executable, "-m", module], env=env | own, cwd=REPO)

    return Component(
        name=name,
        port=port,
        port_setting=f"C360_{port_setting.upper()}",
        group="services",
        launch=launch,
        probe=lambda: probes.http_ok(f"http://{HOST}:{port}/readyz"),
        data_dir=layout.state,
        log_file=layout.log_file(name, port),
        marker=f"-m {module}",
        requires=("kafka", "ferretdb"),
    )


def kafka_credentials(principal: str) -> dict[str, str]:
    """Who a process is to the local broker (its development password; shared/kafka_access)."""
    return {"C360_KAFKA_USERNAME": principal, "C360_KAFKA_PASSWORD": local_password(principal)}


def sink_addresses(port: int) -> dict[str, str]:
    base = f"http://{HOST}:{port}"
    return {
        "C360_SMS_URL": f"{base}/sms",
        "C360_SUPPORT_WEBHOOK": f"{base}/webhooks/support",
        "C360_ACCOUNT_MANAGERS_WEBHOOK": f"{base}/webhooks/account-managers",
    }


def table(layout: Layout) -> dict[str, Component]:
    """Every component, dependencies before dependants."""
    rows = [postgres(layout), kafka(layout), ferretdb(layout)]
    rows += [keycloak.component(layout), mailpit.component(layout), sink.component(layout)]
    for name, module, port_setting, principal in SERVICES:
        rows.append(service(layout, name, module, port_setting, principal))
        if name == "projector":
            rows += more_projectors(layout, module, port_setting, principal)
    return {row.name: row for row in rows}


def more_projectors(
    layout: Layout, module: str, port_setting: str, principal: str
) -> list[Component]:
    """The projection workers after the first (`C360_PROJECTORS`), on the ports after its port."""
    first: int = getattr(Settings(), port_setting)
    return [
        service(layout, f"projector-{n}", module, port_setting, principal, port=first + n - 1)
        for n in range(2, layout.settings.projectors + 1)
    ]
