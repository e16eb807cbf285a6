"""Debian's real Prometheus scrapes a gateway worker and the review service on a real broker: counts add up,
the review queue it reads is the store's, no value leaks."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from customs.samples.feed import publish
from customs.samples.generator import SampleRecord
from customs.settings import Settings
from load.ports import free_port
from review.db import SQLiteDatabase
from review.models import QueueFilter
from review.store import Store
from streams.topics import create_topics
from tests.net import answers, wait_until

from .conftest import CUSTOMS, WorkerProcess, settings_env

pytestmark = pytest.mark.integration

PROMETHEUS = "/usr/bin/prometheus"


def _query(base: str, path: str, **params: str) -> Any:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.loads(response.read())
    assert body["status"] == "success", body
    return body["data"]


def _scalar(base: str, expr: str) -> float | None:
    result = _query(base, "/api/v1/query", query=expr)["result"]
    return float(result[0]["value"][1]) if result else None


def _wait_for(what: str, check: Callable[[], bool], timeout: float, log: Callable[[], str]) -> None:
    if not wait_until(check, timeout):  # an OSError: not listening yet
        pytest.fail(f"timed out waiting for {what}\n{log()[-3000:]}")


@pytest.fixture()
def prometheus_binary() -> str:
    if not os.access(PROMETHEUS, os.X_OK):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PROMETHEUS} is missing in CI; bin/setup installs Debian's prometheus package")
        pytest.skip(f"{PROMETHEUS} not installed (Debian: apt-get install prometheus)")
    return PROMETHEUS


@pytest.fixture()
def metrics_port(monkeypatch: pytest.MonkeyPatch) -> int:
    """The worker's /metrics port: settings_env copies os.environ into the worker's environment."""
    port = free_port()
    monkeypatch.setenv("CUSTOMS_METRICS_PORT", str(port))
    monkeypatch.setenv("CUSTOMS_METRICS_PORT_SPAN", "1")
    monkeypatch.setenv("CUSTOMS_LAG_INTERVAL", "1")
    return port


@pytest.fixture()
def review_metrics_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    """The review service's /metrics port, its web port and its own store (through the environment)."""
    port = free_port()
    monkeypatch.setenv("CUSTOMS_REVIEW_METRICS_PORT", str(port))
    monkeypatch.setenv("CUSTOMS_REVIEW_PORT", str(free_port()))
    monkeypatch.setenv("CUSTOMS_REVIEW_DB", str(tmp_path / "review.db"))
    monkeypatch.setenv("CUSTOMS_REVIEW_KEY_FILE", str(tmp_path / "review.key"))
    return port


@pytest.fixture()
def review_service(customs_settings: Settings, review_metrics_port: int, tmp_path: Path) -> Iterator[Path]:
    """``customs review`` in a process of its own; yields its log file."""
    log_path = tmp_path / "review.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(CUSTOMS), "review"], env=settings_env(customs_settings), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture()
def prometheus(
    prometheus_binary: str, metrics_port: int, review_metrics_port: int, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """A Prometheus scraping the worker's and the review service's ports every second; yields its base
    URL and log file."""
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: customs-gateway\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{metrics_port}']\n"
        "  - job_name: customs-review\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{review_metrics_port}']\n"
    )
    port = free_port()
    log_path = tmp_path / "prometheus.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                prometheus_binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(
            "Prometheus to be ready",
            lambda: answers(f"{base}/-/ready"),
            30,
            lambda: log_path.read_text(errors="replace"),
        )
        yield base, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_prometheus_scrapes_the_gateway_and_the_review_service(
    customs_settings: Settings,
    worker: WorkerProcess,
    metrics_port: int,
    prometheus: tuple[str, Path],
    review_service: Path,
    tmp_path: Path,
) -> None:
    base, _ = prometheus
    count = 300
    create_topics(customs_settings)
    planted: set[str] = set()

    def remember(sample: SampleRecord) -> None:
        planted.update(value for _, value in sample.pii)

    assert publish(customs_settings, count=count, seed=31, avro_share=0.5, on_sent=remember) == count
    worker.start()

    def all_routed() -> bool:
        return _scalar(base, "sum(customs_records_out_total)") == count

    _wait_for(f"{count} records routed in Prometheus", all_routed, 45, worker.log)
    assert f"metrics on http://127.0.0.1:{metrics_port}/metrics" in worker.log()
    inbound = customs_settings.inbound_topic_names[0]
    assert _scalar(base, f'sum(customs_records_in_total{{topic="{inbound}"}})') == count
    by_decision = _query(base, "/api/v1/query", query="sum by (decision) (customs_records_out_total)")
    assert {series["metric"]["decision"] for series in by_decision["result"]} == {
        "allow",
        "mask",
        "quarantine",
    }
    assert (_scalar(base, "sum(customs_findings_total)") or 0) > 0
    assert (_scalar(base, "sum(customs_decode_errors_total)") or 0) > 0
    assert _scalar(base, "sum(customs_end_to_end_seconds_count)") == count
    assert _scalar(base, "count(customs_policy_info)") == 1
    assert (_scalar(base, "sum(customs_transaction_seconds_count)") or 0) > 0  # one per partition batch

    def caught_up() -> bool:
        return _scalar(base, "sum(customs_consumer_lag)") == 0

    _wait_for("consumer lag 0", caught_up, 15, worker.log)

    # The review service ingests the quarantine topic; Prometheus reads its queue from its store.
    quarantined = _scalar(base, 'sum(customs_records_out_total{decision="quarantine"})')
    assert quarantined
    review = 'sum(customs_review_queue_size{job="customs-review"})'
    _wait_for(
        f"the review queue at {quarantined:.0f} in Prometheus",
        lambda: _scalar(base, review) == quarantined,
        90,
        lambda: review_service.read_text(errors="replace"),
    )
    store = SQLiteDatabase(tmp_path / "review.db")
    try:
        assert Store(store, time.time).count(QueueFilter(status="open")) == _scalar(base, review)
    finally:
        store.close()
    held = _scalar(base, 'sum(customs_review_queue_size{job="customs-review",status="held"})')
    assert held == quarantined  # nobody has released or rejected one yet
    assert (_scalar(base, 'sum(customs_review_queue_reasons{job="customs-review"})') or 0) >= quarantined
    assert _scalar(base, 'customs_review_dependency_up{job="customs-review",dependency="store"}') == 1
    assert _scalar(base, 'count(customs_review_queue_size{job="customs-gateway"})') is None

    series = _query(base, "/api/v1/series", **{"match[]": '{__name__=~"customs_.+"}'})
    values = {value for labels in series for value in labels.values()}
    assert len(planted) > 300
    leaked = sorted(value for value in planted if any(value in label for label in values))
    assert not leaked, f"personal values in metric labels: {leaked[:3]}"
