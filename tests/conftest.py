"""Test tiers by folder (tests/unit: ``unit``, no broker; tests/integration: ``integration``;
tests/reliability: ``reliability``, a three-node cluster with failures; tests/fuzz: ``fuzz``, bounded
properties and an adversarial corpus, no broker; tests/security: ``security``, a SASL_SSL broker of its own;
tests/container: ``container``, the image built and run; tests/deploy: ``deploy``, the Helm chart), and the
real-broker fixtures shared by the integration
and browser tiers."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from customs.settings import Settings
from load.ports import free_port_run
from tests.kafka_support import KAFKA, WorkerProcess

TIERS = ("unit", "integration", "reliability", "fuzz", "security", "container", "deploy")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        for tier in TIERS:
            if tier in parts:
                item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def kafka_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kafka")


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_data_dir: Path) -> Iterator[str]:
    """One real Apache Kafka broker (KRaft) for the session, started by the project's own script.

    Only tests that ask for it (integration, browser) start it; the unit tier never does.
    """
    port = free_port_run(2)
    env = {**os.environ, "KAFKA_PORT": str(port), "KAFKA_DATA_DIR": str(kafka_data_dir)}
    subprocess.run([str(KAFKA), "start"], env=env, check=True, timeout=180)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(KAFKA), "stop"], env=env, check=False, timeout=60)


@pytest.fixture()
def customs_settings(kafka_bootstrap: str) -> Settings:
    """Settings with this test's own topics and consumer group."""
    run = uuid.uuid4().hex[:10]
    return Settings(
        bootstrap_servers=kafka_bootstrap,
        app_id=f"customs-test-{run}",
        topic_prefix=f"t-{run}.",
        partitions=3,
        pseudonym_key="test-only-pseudonym-key",  # type: ignore[arg-type]
        session_timeout=6.0,
        commit_interval=0.3,
    )


@pytest.fixture()
def worker(customs_settings: Settings, tmp_path: Path) -> Iterator[WorkerProcess]:
    proc = WorkerProcess(customs_settings, tmp_path / "worker.log")
    try:
        yield proc
    finally:
        proc.stop()
