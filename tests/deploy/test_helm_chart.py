"""The Helm chart (deploy/helm/data-customs): `helm lint`, `helm template`, every rendered object valid
against the Kubernetes API's OpenAPI schema, and what it carries (workers sized from the README's CPU per
record, the alert rules and the dashboard of deploy/) checked."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.k8s_schema import KUBERNETES_VERSION, errors, spec_dir

pytestmark = pytest.mark.deploy

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "data-customs"
CI_VALUES = CHART / "ci" / "sasl-values.yaml"
KUBE = KUBERNETES_VERSION.lstrip("v")  # render for the version whose schema the objects are checked against


def helm() -> str:
    """The helm bin/setup builds from the Go module proxy (~/.cache/data-customs/bin), or one on PATH."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    built = cache / "data-customs" / "bin" / "helm"
    found = str(built) if built.exists() else shutil.which("helm")
    assert found, "helm is missing: bin/setup builds it (go install helm.sh/helm/v3/cmd/helm)"
    return found


def render(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HELM_CACHE_HOME": str(REPO / "var" / "helm"),
        "HELM_CONFIG_HOME": str(REPO / "var" / "helm"),
    }
    return subprocess.run(
        [helm(), "template", "customs", str(CHART), "--namespace", "customs", "--kube-version", KUBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    done = render("-f", str(CI_VALUES))
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def by_kind(manifests: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in manifests if m["kind"] == kind]


def test_helm_lint() -> None:
    done = subprocess.run(
        [helm(), "lint", "--strict", str(CHART), "-f", str(CI_VALUES)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_object_is_valid_against_the_kubernetes_schema(manifests: list[dict[str, Any]]) -> None:
    folder = spec_dir()
    core = [m for m in manifests if not m["apiVersion"].startswith("monitoring.coreos.com/")]
    assert {m["kind"] for m in core} >= {
        "Deployment",
        "Service",
        "Secret",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ConfigMap",
    }
    found = [problem for manifest in core for problem in errors(manifest, folder)]
    assert not found, "\n".join(found)


def test_the_schema_check_finds_a_wrong_field(manifests: list[dict[str, Any]]) -> None:
    [deployment, *_] = by_kind(manifests, "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    assert any("'replica' was unexpected" in e for e in errors(broken, spec_dir()))


def test_workers_are_sized_by_cpu_per_record(manifests: list[dict[str, Any]]) -> None:
    worker = next(m for m in by_kind(manifests, "Deployment") if m["metadata"]["name"].endswith("-worker"))
    spec = worker["spec"]
    assert spec["replicas"] == 8  # 6,000 records/s at ~800 per worker (one core), rounded up
    pod = spec["template"]["spec"]
    assert pod["containers"][0]["resources"]["requests"]["cpu"] == "1"
    assert pod["terminationGracePeriodSeconds"] > 10  # longer than a batch and the session timeout
    assert pod["affinity"]["podAntiAffinity"]
    assert pod["containers"][0]["securityContext"]["runAsNonRoot"] is True
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["CUSTOMS_KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
    assert (
        "valueFrom" in env["CUSTOMS_KAFKA_SASL_PASSWORD"]
        and "value" not in env["CUSTOMS_KAFKA_SASL_PASSWORD"]
    )
    assert env["CUSTOMS_KAFKA_SSL_CERT_FILE"]["value"].startswith("/etc/customs/kafka-tls/")
    assert by_kind(manifests, "PodDisruptionBudget")[0]["spec"]["maxUnavailable"] == 1


def test_more_workers_than_partitions_is_refused() -> None:
    done = render("-f", str(CI_VALUES), "--set", "topics.partitions=2")
    assert done.returncode != 0 and "raise topics.partitions" in done.stderr


def test_prometheus_rule_carries_the_alert_rules(manifests: list[dict[str, Any]]) -> None:
    [rule] = by_kind(manifests, "PrometheusRule")
    alerts = yaml.safe_load((REPO / "deploy" / "prometheus" / "alerts.yml").read_text())
    assert rule["spec"] == alerts
    assert (CHART / "files" / "alerts.yml").read_bytes() == (
        REPO / "deploy/prometheus/alerts.yml"
    ).read_bytes()
    [monitor] = by_kind(manifests, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"


def test_dashboard_config_map_is_the_dashboard(manifests: list[dict[str, Any]]) -> None:
    source = REPO / "deploy" / "grafana" / "dashboards" / "customs-gateway.json"
    [dashboard] = [m for m in by_kind(manifests, "ConfigMap") if "customs-gateway.json" in m.get("data", {})]
    assert dashboard["data"]["customs-gateway.json"] == source.read_text().rstrip("\n")
    assert (CHART / "files" / "customs-gateway.json").read_bytes() == source.read_bytes()


def test_flow_keys_reach_the_workers_only(manifests: list[dict[str, Any]]) -> None:
    for deployment in by_kind(manifests, "Deployment"):
        name, pod = deployment["metadata"]["name"], deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        if container["args"] == ["worker"]:
            assert env["CUSTOMS_FLOW_KEYS_DIR"] == mounts["flow-keys"]["mountPath"], name
            assert mounts["flow-keys"]["readOnly"] is True
            assert volumes["flow-keys"]["secret"]["secretName"] == "customs-flow-keys"
        else:
            assert "CUSTOMS_FLOW_KEYS_DIR" not in env and "flow-keys" not in volumes, name


def test_no_flow_keys_without_a_secret() -> None:
    done = render("-f", str(CI_VALUES), "--set", "flowKeys.existingSecret=")
    assert done.returncode == 0, done.stderr
    assert "CUSTOMS_FLOW_KEYS_DIR" not in done.stdout and "flow-keys" not in done.stdout
