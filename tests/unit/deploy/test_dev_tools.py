"""deploy/k8s/dev-tools runs Keycloak and Mailpit with the local stack's realm file and images,
and the sink from the c360 image; the notifier is pointed at Mailpit and the sink as in compose."""

import json
import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from deploy.local.stack import keycloak, mailpit
from tests.unit.deploy.manifests import DEPLOY, K8S_BASE, load_all


def rendered() -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kubectl is needed to render deploy/k8s/dev-tools")
        pytest.skip("kubectl is not installed")
    command = [kubectl, "kustomize", "--load-restrictor", "LoadRestrictionsNone"]
    out = subprocess.run(
        [*command, str(DEPLOY / "k8s" / "dev-tools")], capture_output=True, text=True, check=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def test_the_realm_imported_is_the_local_stack_realm_file() -> None:
    (config,) = [d for d in rendered() if d["metadata"]["name"].startswith("keycloak-realm")]
    assert json.loads(config["data"]["c360-realm.json"]) == json.loads(keycloak.REALM.read_text())


def test_the_images_are_the_versions_the_local_stack_runs() -> None:
    images = {
        c["image"]
        for d in rendered()
        if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
    }
    expected = {
        f"quay.io/keycloak/keycloak:{keycloak.VERSION}",
        f"axllent/mailpit:{mailpit.VERSION}",
        "c360:latest",  # the sink: the c360 image, another command
    }
    assert images == expected


def test_the_sink_serves_on_8026_and_the_notifier_delivers_there_and_to_mailpit() -> None:
    docs = rendered()
    (sink,) = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "sink"]
    (container,) = sink["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "deploy.local.sink", "8026", "0.0.0.0"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    (channels,) = [d for d in docs if d["metadata"]["name"] == "c360-notifier-channels"]
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    notifier_env = compose["services"]["notifier"]["environment"]
    assert all(notifier_env[k] == v for k, v in channels["data"].items())
    assert channels["data"]["C360_SMS_URL"] == "http://sink:8026/sms"
    (notifier,) = [d for d in load_all(K8S_BASE / "notifier.yaml") if d["kind"] == "Deployment"]
    sources = notifier["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert {"configMapRef": {"name": "c360-notifier-channels", "optional": True}} in sources
