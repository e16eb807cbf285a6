"""A quiet partition's last events get signed on their own (both engines, real broker): records arrive,
then nothing; within the checkpoint interval and a transaction every chain ends with a signed checkpoint
and a recipient can prove the last record routed on each partition — and a partition with nothing new
since its checkpoint gets no further ones."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from customs.audit.signing import load_public_key, load_signing_key, public_pem
from customs.audit.verify import Located, verify
from customs.cli import app
from customs.factory import build_inspector
from customs.samples.feed import publish
from customs.settings import Settings
from streams.audit_export import from_topic
from streams.gateway import BatchGateway
from streams.metrics import GatewayMetrics
from streams.topics import create_topics

from .conftest import ROUTED, WorkerProcess, origin_of, read_committed, routed_at_least

pytestmark = pytest.mark.integration

INTERVAL = 3.0  # seconds between checkpoints: the second group comes well within it
FIRST, SECOND = 30, 30


@pytest.fixture()
def settings(customs_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    configured = customs_settings.model_copy(
        update={
            "batch_size": 40,
            "audit_checkpoint_seconds": INTERVAL,
            "audit_key_file": tmp_path / "audit.key",
        }
    )
    for name, value in configured.as_env().items():  # the CLI reads the same settings
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CUSTOMS_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    return configured


def _tails(events: list[Located]) -> dict[str, dict[str, object]]:
    """The last event of each chain, in topic order."""
    return {str(item.event["chain"]): dict(item.event) for item in events}


async def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def _quiet_spell(settings: Settings) -> tuple[list[Located], float, int]:
    """Route two groups of records, then nothing. Returns the audit topic once every chain ended signed,
    the seconds that took after the last record was routed, and the events read two intervals later."""
    gateway = BatchGateway(settings, build_inspector(settings), GatewayMetrics(CollectorRegistry()))
    stop = asyncio.Event()
    running = asyncio.create_task(gateway.run(stop))
    try:
        await _until(lambda: sum(gateway.counts.values()) >= FIRST, 90, "the first group")
        # Straight after: these batches come before a checkpoint is due again, so they carry none.
        assert await asyncio.to_thread(publish, settings, SECOND, 0.0, 62) == SECOND
        await _until(lambda: sum(gateway.counts.values()) >= FIRST + SECOND, 60, "the second group")
        routed_at = time.monotonic()
        unsigned = [tp for tp, head in gateway.heads.items() if not head.signed]
        assert unsigned, "every chain was signed by a batch: the quiet spell tests nothing"

        while True:  # no record comes any more: the quiet chains get their checkpoints on their own
            events = await asyncio.to_thread(from_topic, settings, 10.0)
            if all(tail["type"] == "checkpoint" for tail in _tails(events).values()):
                break
            assert time.monotonic() - routed_at < INTERVAL + 10, json.dumps(_tails(events))[:600]
            await asyncio.sleep(0.2)
        signed_after = time.monotonic() - routed_at

        await asyncio.sleep(2 * INTERVAL)  # still quiet: nothing new to sign, so no further checkpoint
        later = len(await asyncio.to_thread(from_topic, settings, 10.0))
        assert all(head.signed for head in gateway.heads.values())
        assert gateway.metrics.registry.get_sample_value("customs_transaction_failures_total") == 0
    finally:
        stop.set()
        await running
    return events, signed_after, later


def test_a_quiet_partition_is_signed_once_and_its_last_record_proven(
    settings: Settings, tmp_path: Path
) -> None:
    create_topics(settings)
    assert publish(settings, count=FIRST, seed=61) == FIRST
    events, signed_after, later = asyncio.run(_quiet_spell(settings))
    assert signed_after < INTERVAL + 10
    assert later == len(events), "a chain with nothing new was signed again"
    _assert_signed_and_provable(settings, events, tmp_path)


def test_faust_signs_a_quiet_partition_once(settings: Settings, tmp_path: Path) -> None:
    """The same on the Faust engine: its quiet chains are signed right after one of its periodic commits."""
    settings = settings.model_copy(update={"stream_engine": "faust"})
    create_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    assert publish(settings, count=FIRST, seed=63) == FIRST
    try:
        worker.start()
        assert routed_at_least(settings, FIRST, timeout=90) >= FIRST, worker.log()[-3000:]
        assert publish(settings, count=SECOND, seed=64) == SECOND  # before a checkpoint is due again
        unsigned_seen, routed_at = False, 0.0
        deadline = time.monotonic() + 60
        while True:
            events = from_topic(settings, 10.0)
            tails = _tails(events)
            if sum(e.event.get("type") == "decision" for e in events) == FIRST + SECOND:
                if not unsigned_seen:
                    routed_at = time.monotonic()
                unsigned_seen = unsigned_seen or any(t["type"] != "checkpoint" for t in tails.values())
                if all(t["type"] == "checkpoint" for t in tails.values()):
                    break
                assert time.monotonic() - routed_at < INTERVAL + 10, json.dumps(tails)[:600]
            assert time.monotonic() < deadline, worker.log()[-3000:]
            time.sleep(0.2)
        time.sleep(2 * INTERVAL)  # still quiet: no further checkpoint
        later = len(from_topic(settings, 10.0))
    finally:
        worker.stop()
    assert unsigned_seen, "every chain was signed by a batch: the quiet spell tests nothing"
    assert later == len(events), "a chain with nothing new was signed again"
    _assert_signed_and_provable(settings, events, tmp_path)


def _assert_signed_and_provable(settings: Settings, events: list[Located], tmp_path: Path) -> None:
    public = load_public_key(public_pem(load_signing_key(tmp_path / "audit.key")).encode())
    report = verify(events, public)
    assert report.ok, str(report.first_break)
    inbound = settings.inbound_topic_names[0]
    assert set(report.chains) == {f"gateway:{inbound}:{p}" for p in range(settings.partitions)}
    decisions = [e.event for e in events if e.event.get("type") == "decision"]
    assert len(decisions) == FIRST + SECOND
    for chain, tail in _tails(events).items():  # never two checkpoints in a row: each signs new events
        chained = [e.event for e in events if e.event["chain"] == chain]
        kinds = [e["type"] for e in chained]
        assert tail["type"] == "checkpoint"
        assert all(not (a == b == "checkpoint") for a, b in itertools.pairwise(kinds)), kinds

    # A recipient proves the last record routed from each partition, with the public key and an export.
    routed = read_committed(
        settings.bootstrap_servers,
        [settings.output_topic_names[name] for name in ROUTED],
        FIRST + SECOND,
        30,
        linger=0,
    )
    last = {}
    for message in sorted(routed, key=origin_of):
        last[origin_of(message)[0]] = message
    assert set(last) == set(range(settings.partitions))
    runner = CliRunner()
    export = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["audit", "export", str(export)]).exit_code == 0
    key = tmp_path / "gateway.pub"
    key.write_text(runner.invoke(app, ["audit", "public-key"]).output)
    for partition, message in last.items():
        record = tmp_path / f"received-{partition}.json"
        record.write_bytes(message.value() or b"")
        digest = hashlib.sha256(record.read_bytes()).hexdigest()
        assert any(d.get("digest_out") == digest for d in decisions)
        proved = runner.invoke(
            app, ["audit", "prove", str(record), "--export", str(export), "--public-key", str(key)]
        )
        assert proved.exit_code == 0, proved.output
        assert "proven:" in proved.output
