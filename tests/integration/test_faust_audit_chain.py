"""The Faust engine's audit chains on a real broker: one chain per input partition, signed, unbroken
through a worker killed mid-stream (what it held but never committed is never published) and its restart
(the chain goes on from the head committed with the offset), checked by the product's verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customs.audit.signing import load_public_key, load_signing_key, public_pem
from customs.audit.verify import verify
from customs.samples.feed import publish
from customs.settings import Settings
from streams.audit_export import from_topic
from streams.topics import create_topics

from .conftest import (
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    paced_feed,
    read_committed,
    routed_at_least,
    wait_for_commits,
)

pytestmark = pytest.mark.integration

COUNT = 1500
MOVING = 4500  # 22 s of paced feed: still feeding when the second worker joins and the first leaves


@pytest.fixture()
def settings(customs_settings: Settings, tmp_path: Path) -> Settings:
    return customs_settings.model_copy(
        update={
            "stream_engine": "faust",
            "batch_size": 50,
            "audit_checkpoint_seconds": 0.001,  # a checkpoint closes every partition's batch
            "audit_key_file": tmp_path / "audit.key",
        }
    )


def test_faust_chains_verify_through_a_kill_and_a_restart(settings: Settings, tmp_path: Path) -> None:
    create_topics(settings)
    assert publish(settings, count=COUNT, seed=53) == COUNT
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    inbound = settings.inbound_topic_names[0]
    try:
        worker.start()
        assert routed_at_least(settings, 150, timeout=120) >= 150, worker.log()[-3000:]
        worker.kill()  # SIGKILL: outputs held for the next commit die with it
        # (not the committed offsets: the dead worker's open transaction holds them until it is fenced)
        seen = read_committed(settings.bootstrap_servers, [settings.output_topic_names["audit"]], COUNT, 5, 1)
        decided = sum(json.loads(m.value() or b"{}").get("type") == "decision" for m in seen)
        assert decided < COUNT, "the kill was not mid-stream"
        worker.start()
        routed, audit = collect_outputs(settings, COUNT, timeout=120)
        wait_for_commits(settings, 30)
    finally:
        worker.stop()
    assert len(routed) >= COUNT, worker.log()[-3000:]
    assert_exactly_once(settings, routed, audit, COUNT)

    events = from_topic(settings)
    public = load_public_key(public_pem(load_signing_key(tmp_path / "audit.key")).encode())
    report = verify(events, public)
    assert report.ok, str(report.first_break)
    assert not report.partial
    assert set(report.chains) == {f"gateway:{inbound}:{p}" for p in range(settings.partitions)}
    decisions = [e.event for e in events if e.event.get("type") == "decision"]
    assert len(decisions) == COUNT
    assert report.checkpoints >= settings.partitions + 1  # before the kill and after the restart
    for chain in report.chains:  # every chain ends signed: the last batch closed with a checkpoint
        last = [e.event for e in events if e.event.get("chain") == chain][-1]
        assert last["type"] == "checkpoint", json.dumps(last)[:300]


def test_faust_chains_verify_across_partitions_moving_between_workers(
    settings: Settings, tmp_path: Path
) -> None:
    """A second worker joins mid-stream, then the first one stops: every hand-over resumes each chain from
    the head committed with the offset, so neither worker forks or breaks it."""
    create_topics(settings)
    first = WorkerProcess(settings, tmp_path / "first.log")
    second = WorkerProcess(settings, tmp_path / "second.log")
    feeder = paced_feed(settings, MOVING, seed=59, rate=200.0)
    try:
        first.start()
        assert routed_at_least(settings, 300) >= 300, first.log()[-3000:]
        second.start()
        assert routed_at_least(settings, 1000) >= 1000, second.log()[-3000:]
        assert feeder.is_alive(), "the feed ended before the hand-overs"
        first.stop()
        feeder.join(timeout=120)
        routed, audit = collect_outputs(settings, MOVING, timeout=120)
        wait_for_commits(settings, 30)
    finally:
        first.stop()
        second.stop()
    assert_exactly_once(settings, routed, audit, MOVING)
    public = load_public_key(public_pem(load_signing_key(tmp_path / "audit.key")).encode())
    report = verify(from_topic(settings), public)
    assert report.ok, str(report.first_break)
    assert not report.partial and len(report.chains) == settings.partitions
