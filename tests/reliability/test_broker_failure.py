"""The gateway on a real three-node Kafka cluster (deploy/kafka/cluster) keeps every record exactly once
when a broker is killed mid-stream: the one coordinating the gateway's consumer group, which also leads
some of its partitions and transaction-log partitions."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from customs.settings import Settings
from load.ports import free_port_run
from streams.topics import create_topics
from tests.kafka_support import (
    KAFKA_CLUSTER,
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    paced_feed,
    routed_at_least,
    wait_for_commits,
)

NODES = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A three-node cluster for this module, started and stopped by the project's own script."""
    env = {
        **os.environ,
        "KAFKA_CLUSTER_PORT": str(free_port_run(2 * NODES)),
        "KAFKA_CLUSTER_DIR": str(tmp_path_factory.mktemp("kafka-cluster")),
    }
    subprocess.run([str(KAFKA_CLUSTER), "start"], env=env, check=True, timeout=240)
    try:
        yield env
    finally:
        subprocess.run([str(KAFKA_CLUSTER), "stop"], env=env, check=False, timeout=120)


def _bootstrap(env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(KAFKA_CLUSTER), "bootstrap"], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _group_coordinator(bootstrap: str, group: str) -> int:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    description = admin.describe_consumer_groups([group])[group].result(timeout=30)
    return int(description.coordinator.id)


def test_cluster_script_reports_three_nodes(cluster: dict[str, str]) -> None:
    status = subprocess.run([str(KAFKA_CLUSTER), "status"], env=cluster, capture_output=True, text=True)
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count("running on 127.0.0.1:") == NODES
    metadata = AdminClient({"bootstrap.servers": _bootstrap(cluster)}).list_topics(timeout=30)
    assert sorted(metadata.brokers) == [1, 2, 3]


@pytest.mark.parametrize("engine", ["aiokafka", "faust"])
def test_broker_killed_mid_stream_still_exactly_once(
    cluster: dict[str, str], tmp_path: Path, engine: str
) -> None:
    run = uuid.uuid4().hex[:10]
    settings = Settings(
        bootstrap_servers=_bootstrap(cluster),
        app_id=f"customs-reliability-{run}",
        topic_prefix=f"r-{run}.",
        partitions=3,
        replication_factor=3,
        pseudonym_key="test-only-pseudonym-key",  # type: ignore[arg-type]
        session_timeout=6.0,
        commit_interval=0.3,
        stream_engine=engine,
    )
    count = 6000  # 300 at once, then ~38 s paced from the moment the worker has routed them
    create_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    worker.start()
    feeder = paced_feed(settings, count, seed=31)
    victim = 0
    try:
        assert routed_at_least(settings, 300) >= 300, worker.log()[-3000:]
        victim = _group_coordinator(settings.bootstrap_servers, settings.app_id)
        subprocess.run([str(KAFKA_CLUSTER), "kill-node", str(victim)], env=cluster, check=True, timeout=60)
        assert feeder.is_alive(), "the feed ended before the broker died; the test would not be mid-stream"
        feeder.join(timeout=180)
        routed, audit = collect_outputs(settings, count, timeout=300)
        wait_for_commits(settings, 60)
    finally:
        worker.stop()
        if victim:
            subprocess.run(
                [str(KAFKA_CLUSTER), "start-node", str(victim)], env=cluster, check=False, timeout=180
            )
    assert len(routed) >= count, f"only {len(routed)} of {count}; worker log:\n{worker.log()[-3000:]}"
    assert_exactly_once(settings, routed, audit, count)
