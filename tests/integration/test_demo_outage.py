"""The demo's totals stay true through a broker outage: a broker of its own is stopped and started again
under a running `customs demo`, and the routed count the demo prints at the end equals what is committed
in the output topics, and everything the broker confirmed as fed was routed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from customs.settings import Settings
from load.ports import free_port, free_port_run
from tests.kafka_support import KAFKA, end_offsets, read_committed
from tests.net import wait_until

pytestmark = pytest.mark.integration
SUMMARY = r"Routed: allow ([\d,]+), mask ([\d,]+), quarantine ([\d,]+) \(fed ([\d,]+)\)"


def _kafka(env: dict[str, str], action: str) -> None:
    subprocess.run([str(KAFKA), action], env=env, check=True, timeout=180, capture_output=True)


def test_demo_totals_match_what_was_routed_across_an_outage(tmp_path: Path) -> None:
    port = free_port_run(2)
    broker_env = {**os.environ, "KAFKA_PORT": str(port), "KAFKA_DATA_DIR": str(tmp_path / "kafka")}
    _kafka(broker_env, "start")
    run = uuid.uuid4().hex[:8]
    settings = Settings(
        bootstrap_servers=f"127.0.0.1:{port}",
        app_id=f"demo-{run}",
        topic_prefix=f"demo-{run}.",
        partitions=2,
        pseudonym_key="test-only-pseudonym-key",  # type: ignore[arg-type]
        review_db=tmp_path / "review.db",
        flow_keys_dir=tmp_path / "flow-keys",  # the demo writes its source's key there, not in the repository
        review_port=free_port(),
        review_metrics_port=0,
        metrics_port=0,
        session_timeout=6.0,
    )
    env = {**os.environ, **settings.as_env(), "COLUMNS": "160"}
    customs = Path(sys.executable).parent / "customs"
    demo = subprocess.Popen(
        [str(customs), "demo", "--rate", "40", "--duration", "100"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    topics = [settings.output_topic_names[d] for d in ("allow", "mask", "quarantine")]

    def routing() -> bool:  # records are being routed (or the demo has ended)
        if demo.poll() is not None:
            return True
        try:
            return sum(sum(end_offsets(settings.bootstrap_servers, t, 2).values()) for t in topics) > 100
        except Exception:  # the topics may not exist yet
            return False

    try:
        wait_until(routing, 150, 2)
        _kafka(broker_env, "stop")  # an outage mid-stream
        time.sleep(12)
        _kafka(broker_env, "start")
        output, _ = demo.communicate(timeout=240)
    finally:
        if demo.poll() is None:
            demo.kill()
    try:
        summary = re.search(SUMMARY, output)
        assert summary, output[-3000:]
        allow, mask, quarantine, fed = (int(group.replace(",", "")) for group in summary.groups())
        committed = read_committed(settings.bootstrap_servers, topics, allow + mask + quarantine, 60)
        assert fed > 0
        assert allow + mask + quarantine == len(committed), output[-3000:]
        assert allow + mask + quarantine == fed, output[-3000:]
    finally:
        _kafka(broker_env, "stop")
