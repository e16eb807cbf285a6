"""The gateway end to end on a real broker: every record in exactly one output, exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customs import headers as h
from customs.factory import build_codec
from customs.samples.feed import publish
from customs.samples.generator import SampleRecord
from customs.settings import Settings
from detectors.classify import Classifier
from streams.topics import create_topics

from .conftest import (
    ROUTED,
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    headers_of,
    paced_feed,
    routed_at_least,
    wait_for_commits,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["aiokafka", "faust"], autouse=True)
def stream_engine(request: pytest.FixtureRequest, customs_settings: Settings) -> str:
    """Both engines give the same guarantee: every test here runs on each."""
    engine: str = request.param
    customs_settings.stream_engine = engine  # type: ignore[assignment]
    return engine


def _feed(settings: Settings, count: int, seed: int) -> dict[str, SampleRecord]:
    by_id: dict[str, SampleRecord] = {}

    def remember(sample: SampleRecord) -> None:
        if sample.record is not None:
            by_id[str(sample.record["id"])] = sample

    assert publish(settings, count=count, seed=seed, avro_share=0.5, on_sent=remember) == count
    return by_id


def test_every_record_routed_exactly_once_and_masked_values_gone(
    customs_settings: Settings, worker: WorkerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMS_LOG_LEVEL", "debug")  # even then, no value may reach the log
    count = 1200
    create_topics(customs_settings)
    samples = _feed(customs_settings, count, seed=11)
    worker.start()
    routed, audit = collect_outputs(customs_settings, count, timeout=240)
    wait_for_commits(customs_settings, 30)
    assert len(routed) >= count, f"only {len(routed)} of {count} routed; worker log:\n{worker.log()[-3000:]}"
    assert_exactly_once(customs_settings, routed, audit, count)

    by_topic = {
        name: [m for m in routed if m.topic() == topic]
        for name, topic in customs_settings.output_topic_names.items()
    }
    assert all(by_topic[name] for name in ROUTED), {name: len(by_topic[name]) for name in ROUTED}

    codec = build_codec(customs_settings)
    # Every planted identifier and name must be gone from what leaves; health data may pass on the
    # flows that are for it (research, claims) under gba-default, so it is not checked here.
    covered = {
        "CN_RESIDENT_ID",
        "HK_ID_CARD",
        "MO_ID_CARD",
        "HOME_RETURN_PERMIT",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "CN_BANK_CARD",
        "PERSON",
        "LOCATION",
        "DATE_OF_BIRTH",
    }
    assert covered <= set(Classifier().entities)
    checked = 0
    for message in by_topic["mask"] + by_topic["allow"]:
        record = codec.decode(message.value()).record
        sample = samples[str(record["id"])]
        published = json.dumps(record, ensure_ascii=False)
        for entity, value in sample.pii:
            if entity in covered:
                assert value not in published, f"raw {entity} left in {message.topic()} record {record['id']}"
                checked += 1
    assert checked > 500

    log = worker.log()
    leaked = [
        value for sample in samples.values() for _, value in sample.pii if len(value) >= 6 and value in log
    ]
    assert not leaked, f"{len(leaked)} personal values in the worker log"

    quarantined = [headers_of(m) for m in by_topic["quarantine"]]
    malformed = [q for q in quarantined if q[h.REASONS] == "decode_error"]
    assert malformed, "the feed holds malformed records; they must be quarantined as decode_error"
    assert all(q.get(h.DETAIL) for q in malformed)
    assert any(q[h.REASONS] == "no_flow" for q in quarantined)
    for message in routed:
        headers = headers_of(message)
        assert headers[h.POLICY_VERSION].startswith("sha256:")
        assert len(headers[h.DIGEST]) == 64
    decisions = [event for event in (json.loads(m.value()) for m in audit) if event.get("type") == "decision"]
    assert len(decisions) == count  # the rest are the signed checkpoints of the chains
    for event in decisions:
        assert set(event) >= {"decision", "reasons", "entities", "digest_in", "digest_out", "policy_version"}


def test_worker_killed_mid_stream_still_exactly_once(
    customs_settings: Settings, worker: WorkerProcess
) -> None:
    count = 6000  # 300 at once, then ~38 s paced from the moment the worker has routed them
    create_topics(customs_settings)
    worker.start()
    feeder = paced_feed(customs_settings, count, seed=23)  # still feeding when the kill lands
    assert routed_at_least(customs_settings, 300) >= 300, worker.log()[-3000:]
    worker.kill()  # SIGKILL: no chance to commit or clean up
    assert feeder.is_alive(), "the feed ended before the kill; the test would not be mid-stream"
    worker.start()
    feeder.join(timeout=120)
    routed, audit = collect_outputs(customs_settings, count, timeout=300)
    wait_for_commits(customs_settings, 30)
    assert len(routed) >= count, f"only {len(routed)} of {count}; worker log:\n{worker.log()[-3000:]}"
    assert_exactly_once(customs_settings, routed, audit, count)


def test_partitions_moving_between_workers_still_exactly_once(
    customs_settings: Settings, worker: WorkerProcess, tmp_path: Path
) -> None:
    """A second worker joins mid-stream (partitions are shared out), then the first one stops
    (its partitions move over): no input is lost or routed twice across both hand-overs."""
    count = 6000  # 300 at once, then ~38 s paced from the moment the worker has routed them
    create_topics(customs_settings)
    second = WorkerProcess(customs_settings, tmp_path / "second.log")
    worker.start()
    feeder = paced_feed(customs_settings, count, seed=29)
    try:
        assert routed_at_least(customs_settings, 300) >= 300
        second.start()
        assert routed_at_least(customs_settings, 1500) >= 1500
        assert feeder.is_alive(), "the feed ended before the hand-overs; the test would not be mid-stream"
        worker.stop()  # SIGTERM: the first worker finishes its batch and leaves the group
        feeder.join(timeout=120)
        routed, audit = collect_outputs(customs_settings, count, timeout=300)
        wait_for_commits(customs_settings, 30)
    finally:
        second.stop()
    assert len(routed) >= count, f"only {len(routed)} of {count}; second worker log:\n{second.log()[-3000:]}"
    assert_exactly_once(customs_settings, routed, audit, count)
