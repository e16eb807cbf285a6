"""The gateway's metrics: bounded labels, never a record value; the endpoint; alerts and dashboard."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from faust.types import TP
from prometheus_client import CollectorRegistry, generate_latest

from customs.codec import SchemaStore
from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, flow_context
from customs.samples.feed import encoded, flow_headers
from customs.samples.generator import generate
from customs.settings import Settings
from detectors.finding import Finding
from rules.decision import Action, Decision
from rules.policy import load_policy
from streams.metrics import (
    UNKNOWN_FLOW,
    GatewayMetrics,
    QueueSnapshot,
    ReviewMetrics,
    partition_lags,
    progress_line,
    serve_metrics,
)

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"
GRAFANA = REPO / "deploy" / "grafana"


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


@pytest.fixture()
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture()
def metrics(registry: CollectorRegistry) -> GatewayMetrics:
    return GatewayMetrics(registry)


@pytest.fixture(scope="module")
def inspector() -> Inspector:
    settings = Settings(pseudonym_key="unit-test-key")
    return build_inspector(settings, load_policy("gba-default"))


def test_each_registry_holds_its_own_metrics() -> None:
    first, second = CollectorRegistry(), CollectorRegistry()
    GatewayMetrics(first).record_in("customs.inbound")
    GatewayMetrics(second)
    assert _value(first, "customs_records_in_total", topic="customs.inbound") == 1
    assert _value(second, "customs_records_in_total", topic="customs.inbound") is None


def test_a_routed_record_counts_decision_flow_entities_and_reasons(
    metrics: GatewayMetrics, registry: CollectorRegistry
) -> None:
    finding = Finding("patient.id_number", "CN_RESIDENT_ID", 0, 18, 0.9)
    masked = Decision(Action.MASK, ("rule_mask",), ("ids",), "sha256:aaaa", flow_id="tcm-research")
    held = Decision(Action.QUARANTINE, ("no_flow", "category_not_permitted"), (), "sha256:aaaa")
    undecodable = Decision(Action.QUARANTINE, ("decode_error",), (), "sha256:bbbb")
    metrics.record_out(masked, [finding, finding], "customs.inbound")
    metrics.record_out(held, [finding], "customs.inbound")
    metrics.record_out(undecodable, [], "customs.inbound")

    out = "customs_records_out_total"
    assert _value(registry, out, decision="mask", flow="tcm-research") == 1
    assert _value(registry, out, decision="quarantine", flow=UNKNOWN_FLOW) == 2
    assert _value(registry, "customs_findings_total", entity="CN_RESIDENT_ID") == 3
    assert _value(registry, "customs_quarantines_total", reason="no_flow", flow=UNKNOWN_FLOW) == 1
    assert _value(registry, "customs_quarantines_total", reason="rule_mask", flow="tcm-research") is None
    assert _value(registry, "customs_decode_errors_total", topic="customs.inbound") == 1
    # One active policy version: the latest one replaces the previous one.
    assert _value(registry, "customs_policy_info", version="sha256:bbbb") == 1
    assert _value(registry, "customs_policy_info", version="sha256:aaaa") is None


def test_end_to_end_latency_from_the_kafka_timestamp(
    metrics: GatewayMetrics, registry: CollectorRegistry
) -> None:
    metrics.observe_end_to_end(1000.0, now=1000.25)
    metrics.observe_end_to_end(1000.0, now=999.0)  # a producer clock ahead of ours counts as zero
    metrics.observe_end_to_end(None)
    assert _value(registry, "customs_end_to_end_seconds_count") == 2
    assert _value(registry, "customs_end_to_end_seconds_sum") == pytest.approx(0.25)


class _Consumer:
    def __init__(self, highwaters: dict[TP, int | None]) -> None:
        self.highwaters = highwaters

    def assignment(self) -> set[TP]:
        return set(self.highwaters)

    def highwater(self, tp: TP) -> int | None:
        return self.highwaters[tp]


def test_lag_per_partition_from_highwater_and_position(
    metrics: GatewayMetrics, registry: CollectorRegistry
) -> None:
    inbound = "customs.inbound"
    consumer = _Consumer({TP(inbound, 0): 120, TP(inbound, 1): 50, TP(inbound, 2): None, TP("other", 0): 9})
    processed = {(inbound, 0): 100, (inbound, 1): 10}
    committed: dict[TP, int | None] = {TP(inbound, 1): 40, TP(inbound, 2): 0}  # 1 moved on elsewhere
    lags = partition_lags(consumer, [inbound], processed, committed)
    assert lags == {(inbound, 0): 20, (inbound, 1): 10}  # 2: high watermark not fetched yet

    metrics.set_lag(lags)
    assert _value(registry, "customs_consumer_lag", topic=inbound, partition="0") == 20
    metrics.set_lag({(inbound, 1): 0})  # partition 0 was revoked: its series goes
    assert _value(registry, "customs_consumer_lag", topic=inbound, partition="0") is None
    assert _value(registry, "customs_consumer_lag", topic=inbound, partition="1") == 0


def test_metric_labels_never_carry_a_personal_value(inspector: Inspector) -> None:
    registry = CollectorRegistry()
    metrics = GatewayMetrics(registry)
    schemas = SchemaStore(REPO / "schemas")
    planted: set[str] = set()
    samples = list(generate(300, seed=5, max_record_bytes=262_144))
    for offset, sample in enumerate(samples):
        planted.update(value for _, value in sample.pii)
        raw = encoded(sample, schemas, as_avro=offset % 2 == 0)
        headers = {k: v.decode() for k, v in flow_headers(sample) if isinstance(v, bytes)}
        origin = Origin("customs.inbound", offset % 3, offset, 1_780_000_000_000)
        metrics.record_in(origin.topic)
        verdict = inspector.inspect(raw, flow_context(headers, date(2026, 5, 1)), origin)
        metrics.observe_inspection(verdict.classify_seconds, verdict.inspect_seconds)
        metrics.record_out(verdict.decision, verdict.findings, origin.topic)

    exposition = generate_latest(registry).decode()
    assert len(planted) > 500
    leaked = sorted(value for value in planted if value in exposition)
    assert not leaked, f"personal values in the metrics: {leaked[:3]}"
    assert _value(registry, "customs_classification_seconds_count") is not None
    assert _value(registry, "customs_decision_seconds_count") == len(samples)
    routed = sum(
        _value(registry, "customs_records_out_total", decision=d.value, flow=f) or 0
        for d in Action
        for f in {*(flow.id for flow in load_policy("gba-default").flows), UNKNOWN_FLOW}
    )
    assert routed == len(samples)
    assert _value(registry, "customs_decode_errors_total", topic="customs.inbound")
    labels = re.findall(r'(\w+)="', exposition)
    assert set(labels) <= {"decision", "reason", "entity", "flow", "topic", "partition", "version", "le"}


def _get(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return str(response.read().decode())


@pytest.fixture()
def busy_port() -> Iterator[int]:
    """A listening port, and the one after it free (the next in the range a worker would try)."""
    for _ in range(50):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                sock.close()
                continue
        sock.listen()
        try:
            yield port
        finally:
            sock.close()
        return
    pytest.skip("no free port pair")


def test_endpoint_takes_the_next_free_port_of_its_range(
    metrics: GatewayMetrics, registry: CollectorRegistry, busy_port: int
) -> None:
    metrics.record_in("customs.inbound")
    assert serve_metrics(registry, busy_port, span=1) is None  # the only port is taken: runs on without
    taken = serve_metrics(registry, busy_port, span=2)
    assert taken == busy_port + 1
    assert 'customs_records_in_total{topic="customs.inbound"} 1.0' in _get(taken)


def test_endpoint_auto_port_and_disabled(metrics: GatewayMetrics, registry: CollectorRegistry) -> None:
    assert serve_metrics(registry, 0) is None
    taken = serve_metrics(registry, "auto")
    assert taken is not None
    assert "customs_policy_reload_failures_total 0.0" in _get(taken)


def test_settings_read_the_metrics_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMS_METRICS_PORT", "auto")
    assert Settings().metrics_port == "auto"
    monkeypatch.setenv("CUSTOMS_METRICS_PORT", "9500")
    assert Settings().metrics_port == 9500
    monkeypatch.delenv("CUSTOMS_METRICS_PORT")
    assert Settings().metrics_port == 9464 and Settings().metrics_host == "127.0.0.1"


# --- Prometheus configuration and alerts -------------------------------------------------------------


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("promtool is missing in CI; bin/setup installs Debian's prometheus package")
        pytest.skip("promtool not installed (bin/setup installs Debian's prometheus package)")
    return found


@pytest.mark.parametrize(
    "args",
    [
        ["check", "config", "prometheus.yml"],
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts_test.yml"],
    ],
    ids=["config", "rules", "alerts-fire-on-synthetic-series"],
)
def test_promtool(args: list[str]) -> None:
    result = subprocess.run(
        [_promtool(), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_quiet_promtool_case() -> None:
    tests = yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text())["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    firing = {case["alertname"] for case in cases if case.get("exp_alerts")}
    quiet = {case["alertname"] for case in cases if not case.get("exp_alerts")}
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}
    assert {"CustomsNoGatewayWorker", "CustomsScrapeTargetDown", "CustomsAuditNotAdvancing"} <= alerts
    assert {"CustomsReviewBacklogOld", "CustomsReviewBacklogLarge", "CustomsReviewReleaseFailures"} <= alerts
    assert alerts - firing == set(), "alerts no test fires"
    assert alerts - quiet == set(), "alerts no test shows quiet"


def test_alerts_read_only_declared_metrics() -> None:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    recorded = {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}
    exprs = [re.sub(r"\boffset\s+\w+", "", str(rule["expr"])) for group in groups for rule in group["rules"]]
    used = set().union(*(_metric_names(expr) for expr in exprs))
    assert used - recorded - {"up"} <= _declared_series()


def test_every_alert_has_a_runbook_line_in_the_readme() -> None:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    readme = (REPO / "README.md").read_text()
    for group in groups:
        for rule in group["rules"]:
            if "alert" in rule:
                assert f"**{rule['alert'].removeprefix('Customs')}**" in readme, rule["alert"]


def test_prometheus_scrapes_the_worker_ports_and_the_review_service() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: [t for sc in job["static_configs"] for t in sc["targets"]]
        for job in config["scrape_configs"]
    }
    span = Settings.model_fields["metrics_port_span"].default
    assert targets["customs-gateway"] == [f"127.0.0.1:{9464 + i}" for i in range(span)]
    assert targets["customs-review"] == ["127.0.0.1:9470"]


# --- Grafana -----------------------------------------------------------------------------------------

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "info": ("_info",),
}
_PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
_PROMQL_WORDS |= {"and", "or", "unless", "inf", "nan"}


def _declared_series(*kinds: str) -> set[str]:
    """The series names of the gateway's and the review service's metrics (or only of ``kinds``)."""
    kinds = kinds or ("gateway", "review")
    registry = CollectorRegistry()
    if "gateway" in kinds:
        GatewayMetrics(registry)
    if "review" in kinds:
        ReviewMetrics(registry, snapshot=QueueSnapshot, audit_end_offset=lambda: 0)
    return {family.name + suffix for family in registry.collect() for suffix in _SUFFIXES[family.type]}


def test_workers_export_no_review_series() -> None:
    """The review queue lives in the review store: only the review service reports it (a worker's
    constant 0 once hid 1,300 held records)."""
    assert not {name for name in _declared_series("gateway") if name.startswith("customs_review_")}
    review = _declared_series("review")
    assert {"customs_review_queue_size", "customs_review_oldest_age_seconds"} <= review
    assert "customs_review_release_failures_total" in review


def test_dashboard_review_panels_read_the_review_service() -> None:
    exprs = [
        str(target["expr"])
        for dashboard in _dashboards()
        for panel in dashboard["panels"]  # type: ignore[attr-defined]
        for target in panel["targets"]
    ]
    review = [expr for expr in exprs if "customs_review_" in expr]
    assert len(review) >= 8
    assert all('job="customs-review"' in expr for expr in review), review
    used = set().union(*(_metric_names(expr) for expr in review))
    assert used <= _declared_series("review")
    assert {"customs_review_queue_size", "customs_review_release_failures_total"} <= used


def _metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, keywords or labels."""
    expr = re.sub(r'"(?:\\.|[^"\\])*"', "", expr)  # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\w+", "", expr)  # Grafana variables
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        following = expr[match.end() :].lstrip()
        if following.startswith("(") or match.group().lower() in _PROMQL_WORDS:
            continue
        names.add(match.group())
    return names


def test_expression_parser_finds_metric_names() -> None:
    expr = 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{flow="a b"}[$__rate_interval]))) or y'
    assert _metric_names(expr) == {"x_bucket", "y"}


def _dashboards() -> list[dict[str, object]]:
    files = sorted((GRAFANA / "dashboards").glob("*.json"))
    assert files
    return [json.loads(path.read_text()) for path in files]


def test_dashboard_queries_only_declared_metrics() -> None:
    declared = _declared_series()
    exprs = [
        str(target["expr"])
        for dashboard in _dashboards()
        for panel in dashboard["panels"]  # type: ignore[attr-defined]
        for target in panel["targets"]
    ]
    assert len(exprs) >= 6
    used = set().union(*(_metric_names(expr) for expr in exprs))
    assert used, exprs
    assert used <= declared, f"not declared in streams/metrics.py: {sorted(used - declared)}"
    titles = " ".join(str(panel["title"]) for d in _dashboards() for panel in d["panels"])  # type: ignore[attr-defined]
    for topic in ("Throughput by decision", "p50 / p99", "lag", "Quarantines by reason", "Top entities"):
        assert topic.lower() in titles.lower()


def test_dashboard_uses_the_provisioned_datasource() -> None:
    provisioning = GRAFANA / "provisioning" / "datasources" / "customs-prometheus.yml"
    uids = {source["uid"] for source in yaml.safe_load(provisioning.read_text())["datasources"]}
    for dashboard in _dashboards():
        for panel in dashboard["panels"]:  # type: ignore[attr-defined]
            assert panel["datasource"]["uid"] in uids


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ({}, None),
        ({"mask": 2, "allow": 1}, "processed 3 records: allow 1, mask 2"),
    ],
)
def test_progress_line_counts_decisions_only(counts: dict[str, int], line: str | None) -> None:
    assert progress_line(counts) == line
