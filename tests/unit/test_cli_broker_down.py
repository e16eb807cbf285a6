"""Every command that needs Kafka says so in one line when it cannot be reached (the address and what to
check), without a traceback or librdkafka's own chatter, and exits non-zero; a worker waits and says why.
The broker is a closed local port: no broker is needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.cli import app
from load.ports import free_port
from tests.net import wait_until

CUSTOMS = Path(sys.executable).parent / "customs"


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CUSTOMS_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
        "CUSTOMS_KAFKA_TIMEOUT": "2",
        "CUSTOMS_PSEUDONYM_KEY": "unit-test-key",
        "CUSTOMS_REVIEW_DB": str(tmp_path / "review.db"),
        "CUSTOMS_REVIEW_KEY_FILE": str(tmp_path / "review.key"),
        "CUSTOMS_FLOW_KEYS_DIR": str(tmp_path / "flow-keys"),  # not the repository's (the demo writes one)
        "CUSTOMS_REVIEW_METRICS_PORT": "0",
        "CUSTOMS_METRICS_PORT": "0",
        "CUSTOMS_NER": "false",
    }


@pytest.mark.parametrize(
    ("args", "first_words"),
    [
        (["peek", "allow"], "error: cannot reach Kafka at"),
        (["topics", "create"], "error: cannot reach Kafka at"),
        (["review"], "error: cannot reach Kafka at"),
        (
            ["feed", "--count", "5", "--timeout", "2"],
            "error: 5 of 5 records not delivered to customs.inbound",
        ),
    ],
    ids=["peek", "topics-create", "review", "feed"],
)
def test_one_line_and_exit_1_when_kafka_cannot_be_reached(
    args: list[str], first_words: str, env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(CUSTOMS), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90, check=False
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback, no librdkafka lines
    [line] = lines
    assert line.startswith(first_words)
    address = env["CUSTOMS_BOOTSTRAP_SERVERS"]
    assert f"cannot reach Kafka at {address}: check that the broker runs" in line
    assert "CUSTOMS_BOOTSTRAP_SERVERS" in line
    assert "published" not in result.stdout + result.stderr


def test_a_worker_says_why_it_waits_and_stops_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(CUSTOMS), "worker"], env=env, cwd=tmp_path, stdout=handle, stderr=handle
        )
    try:
        wait_until(lambda: "trying again" in log.read_text(), 60, 0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    text = log.read_text()
    address = env["CUSTOMS_BOOTSTRAP_SERVERS"]
    waiting = [line for line in text.splitlines() if "customs.gateway" in line]
    assert waiting and all(
        f"cannot reach Kafka at {address}: check that the broker runs" in line and "trying again in" in line
        for line in waiting
    ), text
    assert "Traceback" not in text
    assert code == 0


def test_kafka_log_lines_are_routed_and_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    """librdkafka's own lines reach the project's logger; a line repeated with other numbers counts once."""
    import logging

    from streams.reach import KafkaUnreachable, check_reachable, kafka_logger

    kafka_logger().setLevel(logging.NOTSET)
    with caplog.at_level(logging.WARNING, logger="customs.kafka"), pytest.raises(KafkaUnreachable):
        check_reachable(f"127.0.0.1:{free_port()}", 1.5)
    routed = [r.getMessage() for r in caplog.records if r.name == "customs.kafka"]
    assert routed and all("Connect to" in m or "brokers are down" in m for m in routed), routed
    assert len(routed) <= 2, routed  # librdkafka retries many times a second


def test_version_and_environment_in_help() -> None:
    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("customs (data-customs) ")
    worker = runner.invoke(app, ["worker", "--help"], terminal_width=200).stdout
    review = runner.invoke(app, ["review", "--help"], terminal_width=200).stdout
    for name in ("CUSTOMS_BOOTSTRAP_SERVERS", "CUSTOMS_POLICY", "CUSTOMS_METRICS_PORT", "CUSTOMS_BATCH_SIZE"):
        assert name in worker, name
    assert "CUSTOMS_REVIEW_PORT" not in worker
    for name in ("CUSTOMS_BOOTSTRAP_SERVERS", "CUSTOMS_REVIEW_PORT", "CUSTOMS_REVIEW_METRICS_PORT"):
        assert name in review, name
    assert "CUSTOMS_BATCH_SIZE" not in review
