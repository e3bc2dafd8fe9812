"""What the deployment files say, read once, and what the code says they must agree with."""

import importlib
import importlib.util
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from deploy.local.stack.components import SERVICES
from services.analytics.entrypoints import worker as analytics_worker
from services.interactions.entrypoints import ingress
from services.kpis.entrypoints import worker as kpis
from services.notifier.entrypoints import worker as notifier_worker
from services.projections.adapters.store import FIRST_GENERATION
from services.projections.entrypoints import runner as projection_worker
from shared.settings import Settings
from shared.topics import Topics

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
K8S_BASE = DEPLOY / "k8s" / "base"
K8S_OVERLAY = DEPLOY / "k8s" / "overlays" / "example"
FIELDS = Settings.model_fields
SECRET_FIELDS = {"mongodb_uri", "webhook_secret"}


def default(field: str) -> Any:
    return FIELDS[field].default


def field_of(variable: str) -> str | None:
    """The Settings field a `C360_*` variable sets, or None if it sets nothing."""
    name = variable.removeprefix("C360_").lower()
    return name if variable.startswith("C360_") and name in FIELDS else None


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def native_processes() -> dict[str, str]:
    """name -> python module, from the native stack's component table (what `make up` runs)."""
    return {name: module for name, module, *_ in SERVICES}


def port_field(module: str) -> str:
    """`services.contacts` listens on `contacts_port`, `services.projections.worker` on
    `projections_worker_port`."""
    return "_".join(module.split(".")[1:]) + "_port"


def host_field(module: str) -> str:
    return module.split(".")[1] + "_host"


def check_runnable(module: str) -> None:
    """`python -m module` must start a server on the port and host fields it is deployed with."""
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{module} does not exist"
    entry = f"{module}.__main__" if spec.submodule_search_locations else module
    source = inspect.getsource(importlib.import_module(entry))
    assert 'if __name__ == "__main__":' in source, f"{entry} cannot be run with python -m"
    for field in (port_field(module), host_field(module)):
        assert field in FIELDS, f"Settings has no {field} for {module}"
        assert f"settings.{field}" in source, f"{entry} does not serve on settings.{field}"


def consumer_groups() -> dict[str, set[str]]:
    """python module -> the consumer groups it runs, as the code names them (no prefix)."""
    settings = Settings(topic_prefix="")
    return {
        "services.interactions": {ingress.consumer_group(settings)},
        "services.notifier": {notifier_worker.consumer_group(settings)},
        "services.kpis": {kpis.group_id(settings)},
        "services.projections.worker": {projection_worker.group_id(settings, FIRST_GENERATION)},
        "services.analytics": {analytics_worker.group_id(settings, FIRST_GENERATION)},
    }


def consumed_topics() -> dict[str, set[str]]:
    """python module -> the topics its consumer groups read."""
    topics = Topics()
    return {
        "services.interactions": {topics.ingress},
        "services.notifier": {topics.contacts, topics.interactions, topics.segments},
        "services.kpis": set(kpis.source_topics(Settings(topic_prefix="")).all()),
        "services.projections.worker": set(projection_worker.source_topics(topics)),
        "services.analytics": set(analytics_worker.source_topics(topics)),
    }


def walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)
