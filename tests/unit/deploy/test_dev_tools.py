"""deploy/k8s/dev-tools runs Keycloak and Mailpit with the local stack's realm file and images."""

import json
import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from deploy.local.stack import keycloak, mailpit
from tests.unit.deploy.manifests import DEPLOY


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
    (config,) = [d for d in rendered() if d["kind"] == "ConfigMap"]
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
    }
    assert images == expected
