"""deploy/docker-compose.yml agrees with the code: processes, ports, settings, health, order."""

import re
import tomllib
from typing import Any

import pytest
import typer
import yaml

from services.ops.cli import app as ops_cli
from tests.unit.deploy.manifests import (
    DEPLOY,
    REPO,
    SECRET_FIELDS,
    check_runnable,
    default,
    field_of,
    host_field,
    native_processes,
    port_field,
)

COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]


def command_module(service: dict[str, Any]) -> str:
    """The c360 service module a `python -m` service runs; "" for anything else (the sink)."""
    command = service.get("command", [])
    runs_module = command[:2] == ["python", "-m"] and str(command[2]).startswith("services.")
    return str(command[2]) if runs_module else ""


C360 = {name: command_module(s) for name, s in SERVICES.items() if command_module(s)}


def test_every_native_process_runs_under_the_same_name_and_module() -> None:
    assert native_processes() == C360


@pytest.mark.parametrize("name", sorted(C360))
def test_each_service_runs_a_real_module_on_its_settings_port(name: str) -> None:
    module = C360[name]
    check_runnable(module)
    port = default(port_field(module))
    service = SERVICES[name]
    assert f"127.0.0.1:{port}/readyz" in " ".join(service["healthcheck"]["test"])
    assert service["environment"][f"C360_{host_field(module).upper()}"] == "0.0.0.0"
    for published in service.get("ports", []):
        assert published.endswith(f":{port}:{port}"), f"{name} publishes {published}"


@pytest.mark.parametrize("name", sorted(C360))
def test_services_wait_for_a_healthy_broker_and_store_and_for_the_topics(name: str) -> None:
    depends = SERVICES[name]["depends_on"]
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["mongo"]["condition"] == "service_healthy"
    assert depends["topics"]["condition"] == "service_completed_successfully"
    assert SERVICES["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def rules_variables() -> set[str]:
    """The `${NAME}` variables the shipped rules file reads (channel and team addresses)."""
    rules = (REPO / "services" / "notifier" / "rules.yaml").read_text()
    return set(re.findall(r"\$\{(C360_\w+)", rules))


def test_every_c360_variable_is_a_settings_field_and_points_at_compose_services() -> None:
    for name, service in SERVICES.items():
        for variable, value in (service.get("environment") or {}).items():
            if variable in rules_variables():
                continue  # test_the_notifier_delivers_to_mailpit_and_the_sink
            if variable.startswith("C360_"):
                assert field_of(variable), f"{name}: {variable} is not a Settings field"
            if variable.endswith("_URL"):
                url = re.fullmatch(r"http://([a-z]+):(\d+)", value)
                assert url, f"{variable}={value} is not http://service:port"
                host, port = url.groups()
                module = C360[host]
                assert int(port) == default(port_field(module)), variable
    env = SERVICES["contacts"]["environment"]
    assert env["C360_KAFKA_BOOTSTRAP"] == "kafka:9092"
    # The store requires the root user, whose password compose refuses to start without.
    password = "${C360_MONGO_ROOT_PASSWORD:?set C360_MONGO_ROOT_PASSWORD}"
    assert env["C360_MONGODB_URI"].startswith(f"mongodb://root:{password}@mongo:27017/")
    assert "replicaSet=rs0" in env["C360_MONGODB_URI"]
    assert "authSource=admin" in env["C360_MONGODB_URI"]
    assert {field_of(v) for v in env} >= SECRET_FIELDS
    # The secret is never checked in: compose refuses to start without it.
    assert env["C360_WEBHOOK_SECRET"].startswith("${C360_WEBHOOK_SECRET:?")


def test_kafka_is_the_official_image_in_kraft_mode_on_the_bootstrap_listener() -> None:
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "zookeeper" not in SERVICES
    assert kafka["healthcheck"]["test"]


def test_mongo_7_runs_as_a_single_node_replica_set_initiated_by_its_healthcheck() -> None:
    mongo = SERVICES["mongo"]
    assert mongo["image"] == "mongo:7"
    assert mongo["command"][mongo["command"].index("--replSet") + 1] == "rs0"
    probe = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in probe
    assert "mongo:27017" in probe
    assert "--keyFile" in mongo["command"]  # a replica set with authentication


def test_mongo_requires_its_root_user_whose_password_is_a_secret() -> None:
    mongo = SERVICES["mongo"]
    env = mongo["environment"]
    assert env["MONGO_INITDB_ROOT_USERNAME"] == "root"
    assert env["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/run/secrets/mongo_root_password"
    assert mongo["secrets"] == ["mongo_root_password"]
    assert COMPOSE["secrets"]["mongo_root_password"] == {"environment": "C360_MONGO_ROOT_PASSWORD"}
    assert "/run/secrets/mongo_root_password" in " ".join(mongo["healthcheck"]["test"])


def test_the_topics_job_runs_the_installed_ops_command() -> None:
    assert SERVICES["topics"]["command"] == ["c360", "topics"]
    assert SERVICES["topics"]["restart"] == "no"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["c360"] == "services.ops.cli:app"
    commands = typer.main.get_command(ops_cli)
    assert "topics" in commands.commands  # type: ignore[attr-defined]


def test_all_c360_processes_share_one_image_built_from_the_dockerfile() -> None:
    builds = {(s["image"], s["build"]["dockerfile"]) for n, s in SERVICES.items() if n in C360}
    assert builds == {("c360:local", "deploy/Dockerfile")}
    assert SERVICES["topics"]["image"] == "c360:local"


def test_dockerfile_builds_from_the_lock_without_dev_tools_and_runs_unprivileged() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert "uv sync --frozen --no-dev" in dockerfile
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user
    assert user[-1] not in {"root", "0"}
    for variable in re.findall(r"\b(C360_[A-Z0-9_]+)=", dockerfile):
        assert field_of(variable), f"Dockerfile sets {variable}, not a Settings field"
    ignored = (REPO / ".dockerignore").read_text().split()
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for path in source.split():
            assert (REPO / path).exists(), f"Dockerfile copies missing {path}"
            assert path not in ignored, f".dockerignore hides {path} from the build"


def test_prometheus_scrapes_every_c360_process_on_its_port() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    assert targets == {f"{name}:{default(port_field(m))}" for name, m in C360.items()}


def test_grafana_is_provisioned_with_the_prometheus_datasource_and_the_dashboard() -> None:
    grafana = SERVICES["grafana"]
    mounts = dict(volume.split(":")[:2] for volume in grafana["volumes"])
    provisioning = DEPLOY / "grafana" / "provisioning"
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    providers = yaml.safe_load((provisioning / "dashboards" / "c360.yml").read_text())
    assert mounts["./grafana/dashboards"] == providers["providers"][0]["options"]["path"]
    sources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    assert sources["datasources"][0]["url"] == "http://prometheus:9090"
    assert grafana["depends_on"]["prometheus"]["condition"] == "service_healthy"


def test_the_notifier_delivers_to_mailpit_and_the_sink() -> None:
    env = SERVICES["notifier"]["environment"]
    channels = {v: env[v] for v in env if v in rules_variables()}
    assert channels["C360_SMTP_HOST"] == "mailpit"
    assert channels["C360_SMTP_PORT"] == "1025"
    assert "127.0.0.1:1025:1025" in SERVICES["mailpit"]["ports"]
    sink = SERVICES["sink"]
    assert sink["image"] == "c360:local"
    assert sink["command"] == ["python", "-m", "deploy.local.sink", "8026", "0.0.0.0"]
    assert sink["ports"] == ["127.0.0.1:8026:8026"]
    assert "127.0.0.1:8026/healthz" in " ".join(sink["healthcheck"]["test"])
    for variable in ("C360_SMS_URL", "C360_SUPPORT_WEBHOOK", "C360_ACCOUNT_MANAGERS_WEBHOOK"):
        assert channels[variable].startswith("http://sink:8026/"), variable
    # every team of the rules file has its address set here
    assert len(channels) == 5
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "COPY deploy/local/sink ./deploy/local/sink" in dockerfile
