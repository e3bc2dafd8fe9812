"""The Grafana dashboard only queries metrics the services really export, and covers what the
operators asked for (request rate and latency, events produced, consumed and dead-lettered,
projection lag per partition, apply latency, notification outcomes, broker and store errors)."""

import importlib
import json
import re
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

from tests.unit.deploy.manifests import DEPLOY, native_processes

DASHBOARD: dict[str, Any] = json.loads((DEPLOY / "grafana/dashboards/c360.json").read_text())
EXPRESSIONS = [target["expr"] for panel in DASHBOARD["panels"] for target in panel["targets"]]
QUERIED = {name for expr in EXPRESSIONS for name in re.findall(r"\bc360_[a-z0-9_]+", expr)}
SAMPLE_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "gauge": ("",),
}

# What the issue asks the dashboard to show, by the metric that shows it.
REQUIRED = {
    "request rate": "c360_http_requests_total",
    "request latency": "c360_http_request_duration_seconds_bucket",
    "contact events produced": "c360_contact_events_published_total",
    "interaction events produced": "c360_interactions_accepted_total",
    "notification events produced": "c360_notifier_events_published_total",
    "events consumed by the projector": "c360_projection_events_consumed_total",
    "events consumed by the notifier": "c360_notifier_events_consumed_total",
    "ingress records consumed": "c360_interactions_ingress_consumed_total",
    "consumer dead letters (projector, notifier, ingress)": "c360_consumer_dead_letters_total",
    "failed notifications": "c360_notifier_dead_lettered_total",
    "consumer lag per partition": "c360_consumer_lag_records",
    "apply latency": "c360_projection_batch_seconds_bucket",
    "notification outcomes": "c360_notifier_notifications_total",
    "broker and store health": "c360_dependency_up",
    "broker and store errors": "c360_dependency_errors_total",
}


def exported_samples() -> set[str]:
    """Every sample name the c360 processes register, by importing what each process builds."""
    for module in native_processes().values():
        importlib.import_module(".".join(module.split(".")[:2]) + ".bootstrap")
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))
    }


def test_every_queried_metric_is_exported_by_a_service() -> None:
    missing = QUERIED - exported_samples()
    assert not missing, f"the dashboard queries metrics nobody exports: {sorted(missing)}"


@pytest.mark.parametrize(("what", "metric"), sorted(REQUIRED.items()))
def test_the_dashboard_shows(what: str, metric: str) -> None:
    assert metric in QUERIED, f"no panel shows {what}"
    assert metric in exported_samples()


def test_lag_is_shown_per_partition() -> None:
    lag = [e for e in EXPRESSIONS if "c360_consumer_lag_records" in e]
    assert lag
    assert all("partition" in e for e in lag)


def test_panels_use_the_provisioned_datasource_and_have_unique_ids() -> None:
    sources = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    uid = sources["datasources"][0]["uid"]
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    for panel in DASHBOARD["panels"]:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]


def test_alerts_watch_exported_metrics_and_are_loaded_by_prometheus() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    watched = {name for a in alerts for name in re.findall(r"\bc360_[a-z0-9_]+", a["expr"])}
    assert watched
    assert not watched - exported_samples()
    assert {"c360_dependency_up", "c360_consumer_lag_records", "c360_consumer_ready"} <= watched
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text())
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    mounts = dict(v.split(":")[:2] for v in compose["services"]["prometheus"]["volumes"])
    assert config["rule_files"] == [mounts["./prometheus/alerts.yml"]]
