"""deploy/k8s: probes, resources, disruption budgets, autoscaling on the right signal, config
apart from secrets, topics as a Job, and agreement with the code's ports, groups and topics."""

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy.manifests import (
    K8S_BASE,
    K8S_OVERLAY,
    SECRET_FIELDS,
    check_runnable,
    consumed_topics,
    consumer_groups,
    default,
    field_of,
    host_field,
    load_all,
    native_processes,
    port_field,
)

KUSTOMIZATION = yaml.safe_load((K8S_BASE / "kustomization.yaml").read_text())
DOCS = [doc for path in KUSTOMIZATION["resources"] for doc in load_all(K8S_BASE / path)]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in DOCS if doc["kind"] == kind}


DEPLOYMENTS = of_kind("Deployment")
SCALED = of_kind("ScaledObject")
HPAS = of_kind("HorizontalPodAutoscaler")
CONFIG = of_kind("ConfigMap")["c360-config"]["data"]
SECRET = of_kind("Secret")["c360-secrets"]["stringData"]


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def module_of(name: str) -> str:
    command = container(DEPLOYMENTS[name])["command"]
    assert command[:2] == ["python", "-m"]
    return str(command[2])


def port_of(name: str) -> int:
    (port,) = container(DEPLOYMENTS[name])["ports"]
    return int(port["containerPort"])


def test_the_base_lists_every_manifest_in_its_folder() -> None:
    listed = set(KUSTOMIZATION["resources"])
    assert listed == {p.name for p in K8S_BASE.glob("*.yaml")} - {"kustomization.yaml"}


def test_one_deployment_per_native_process_running_the_same_module() -> None:
    assert {name: module_of(name) for name in DEPLOYMENTS} == native_processes()


@pytest.mark.parametrize("name", sorted(native_processes()))
def test_deployment_serves_probes_and_metrics_on_its_settings_port(name: str) -> None:
    module, spec = module_of(name), container(DEPLOYMENTS[name])
    check_runnable(module)
    assert port_of(name) == default(port_field(module))
    assert CONFIG[f"C360_{host_field(module).upper()}"] == "0.0.0.0"
    assert spec["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert spec["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert spec["ports"][0]["name"] == "http"
    annotations = DEPLOYMENTS[name]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == port_of(name)
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("name", sorted(native_processes()))
def test_deployment_has_requests_limits_and_runs_unprivileged(name: str) -> None:
    resources = container(DEPLOYMENTS[name])["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}, f"{name} {bound}"
    assert DEPLOYMENTS[name]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]


@pytest.mark.parametrize("name", sorted(native_processes()))
def test_every_deployment_has_a_disruption_budget_selecting_its_pods(name: str) -> None:
    budgets = [
        pdb
        for pdb in of_kind("PodDisruptionBudget").values()
        if pdb["spec"]["selector"]["matchLabels"].items()
        <= DEPLOYMENTS[name]["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert len(budgets) == 1
    assert budgets[0]["apiVersion"] == "policy/v1"
    assert budgets[0]["spec"].keys() & {"maxUnavailable", "minAvailable"}


def test_consumers_scale_on_lag_and_http_only_services_on_cpu_never_both() -> None:
    consumers = {name for name in DEPLOYMENTS if module_of(name) in consumer_groups()}
    assert consumers == {"interactions", "notifier", "projector", "kpis", "analytics"}
    scaled = {so["spec"]["scaleTargetRef"]["name"] for so in SCALED.values()}
    by_hpa = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in HPAS.values()}
    assert scaled == consumers
    assert by_hpa == set(DEPLOYMENTS) - consumers
    assert not scaled & by_hpa


def test_http_only_services_scale_on_cpu_with_autoscaling_v2() -> None:
    for hpa in HPAS.values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        (metric,) = hpa["spec"]["metrics"]
        assert metric["type"] == "Resource"
        assert metric["resource"]["name"] == "cpu"
        assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


@pytest.mark.parametrize("name", ["interactions", "notifier", "projector", "analytics"])
def test_workers_scale_on_their_real_groups_lag_up_to_the_partition_count(name: str) -> None:
    scaled = SCALED[name]["spec"]
    partitions = int(CONFIG["C360_TOPIC_PARTITIONS"])
    assert partitions == default("topic_partitions")
    assert scaled["maxReplicaCount"] == partitions
    lag = [t["metadata"] for t in scaled["triggers"] if t["type"] == "kafka"]
    assert {t["consumerGroup"] for t in lag} == consumer_groups()[module_of(name)]
    assert {t["topic"] for t in lag} == consumed_topics()[module_of(name)]
    for trigger in lag:
        assert trigger["bootstrapServersFromEnv"] == "C360_KAFKA_BOOTSTRAP"
        assert field_of(trigger["bootstrapServersFromEnv"]) == "kafka_bootstrap"
        assert trigger["allowIdleConsumers"] == "false"
        assert int(trigger["lagThreshold"]) > 0


def test_config_and_secrets_are_separate_and_all_real_settings() -> None:
    for variable in [*CONFIG, *SECRET]:
        assert field_of(variable), f"{variable} is not a Settings field"
    assert {field_of(v) for v in SECRET} == SECRET_FIELDS
    assert not {field_of(v) for v in CONFIG} & SECRET_FIELDS
    for name in DEPLOYMENTS:
        sources = container(DEPLOYMENTS[name])["envFrom"]
        assert {"configMapRef": {"name": "c360-config"}} in sources
        assert {"secretRef": {"name": "c360-secrets"}} in sources
        assert "env" not in container(DEPLOYMENTS[name])


def test_topics_are_created_by_a_job_running_the_ops_command() -> None:
    (job,) = of_kind("Job").values()
    spec = job["spec"]["template"]["spec"]
    (topics,) = spec["containers"]
    assert topics["command"] == ["c360", "topics"]
    assert spec["restartPolicy"] in {"OnFailure", "Never"}
    assert {"configMapRef": {"name": "c360-config"}} in topics["envFrom"]


def test_the_example_overlay_builds_on_the_base_and_replaces_the_secret() -> None:
    overlay = yaml.safe_load((K8S_OVERLAY / "kustomization.yaml").read_text())
    assert "../../base" in overlay["resources"]
    (generated,) = overlay["secretGenerator"]
    assert (generated["name"], generated["behavior"]) == ("c360-secrets", "replace")
    example = (K8S_OVERLAY / "secrets.env.example").read_text().splitlines()
    keys = {line.split("=")[0] for line in example if line and not line.startswith("#")}
    assert {field_of(k) for k in keys} == SECRET_FIELDS
    for patch in overlay["patches"]:
        assert (K8S_OVERLAY / patch["path"]).exists()
    assert "secrets.env" in (K8S_OVERLAY / ".gitignore").read_text().split()


def test_kustomize_renders_the_example_overlay(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kubectl is needed to render the overlay")
        pytest.skip("kubectl is not installed")
    tree = tmp_path / "k8s"
    shutil.copytree(K8S_BASE.parent, tree)
    shutil.copy(
        tree / "overlays/example/secrets.env.example", tree / "overlays/example/secrets.env"
    )
    rendered = subprocess.run(
        [kubectl, "kustomize", str(tree / "overlays/example")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    docs = list(yaml.safe_load_all(rendered))
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert {("Deployment", name) for name in DEPLOYMENTS} <= kinds
    assert all(d["metadata"].get("namespace") == "c360" for d in docs if d["kind"] != "Namespace")
    images = {container(d)["image"] for d in docs if d["kind"] == "Deployment"}
    assert images == {"registry.example.com/c360:0.1.0"}
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    webhook = base64.b64decode(secret["data"]["C360_WEBHOOK_SECRET"]).decode()
    assert webhook != default("webhook_secret").get_secret_value()


def test_the_services_reach_the_store_with_a_user_and_password() -> None:
    uri = SECRET["C360_MONGODB_URI"]
    assert re.match(r"mongodb://[^:@/]+:[^@/]+@", uri), uri
    example = (K8S_OVERLAY / "secrets.env.example").read_text()
    assert re.search(r"^C360_MONGODB_URI=mongodb://[^:@/]+:[^@/]+@", example, re.MULTILINE)
