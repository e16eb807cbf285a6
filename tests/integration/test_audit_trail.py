"""The gateway's audit chains on a real broker: unbroken through failed transactions and a restart,
verified from the topic and from an export, and a published record proven under a signed checkpoint."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.audit.signing import load_public_key, load_signing_key, public_pem
from customs.audit.verify import verify
from customs.cli import app
from customs.samples.feed import publish
from customs.settings import Settings
from streams.audit_export import from_topic
from streams.topics import create_topics

from .conftest import read_committed
from .test_gateway_engine import FailingCommits, _route_with_failures

pytestmark = pytest.mark.integration


@pytest.fixture()
def settings(customs_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    configured = customs_settings.model_copy(
        update={
            "batch_size": 40,
            "audit_checkpoint_seconds": 0.001,  # a checkpoint closes every batch
            "audit_key_file": tmp_path / "audit.key",
        }
    )
    for name, value in configured.as_env().items():  # the CLI reads the same settings
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CUSTOMS_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    return configured


def test_chains_survive_failed_transactions_and_a_restart(settings: Settings, tmp_path: Path) -> None:
    create_topics(settings)
    assert publish(settings, count=400, seed=41) == 400
    first = asyncio.run(_route_with_failures(settings, FailingCommits(3), 400))
    assert sum(first.counts.values()) == 400
    assert publish(settings, count=200, seed=42) == 200
    second = asyncio.run(_route_with_failures(settings, FailingCommits(0), 200))  # a restart
    assert sum(second.counts.values()) == 200

    events = from_topic(settings)
    public = load_public_key(public_pem(load_signing_key(tmp_path / "audit.key")).encode())
    report = verify(events, public)
    assert report.ok, str(report.first_break)
    assert not report.partial
    decisions = [e.event for e in events if e.event.get("type") == "decision"]
    assert len(decisions) == 600
    assert set(report.chains) == {f"gateway:{settings.inbound_topic_names[0]}:{p}" for p in range(3)}
    assert report.checkpoints >= 6
    assert all(isinstance(e["subjects"], list) for e in decisions)

    runner = CliRunner()
    result = runner.invoke(app, ["audit", "verify", "--from-topic"])
    assert result.exit_code == 0, result.output
    assert "ok: " in result.output and "signed checkpoints" in result.output

    export = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["audit", "export", str(export)]).exit_code == 0
    key = tmp_path / "gateway.pub"
    key.write_text(runner.invoke(app, ["audit", "public-key"]).output)

    # A recipient proves a masked record it received, with the public key and the export only.
    masked = read_committed(settings.bootstrap_servers, [settings.output_topic_names["mask"]], 1, 30)[0]
    record = tmp_path / "received.json"
    record.write_bytes(masked.value() or b"")
    proved = runner.invoke(
        app, ["audit", "prove", str(record), "--export", str(export), "--public-key", str(key)]
    )
    assert proved.exit_code == 0, proved.output
    assert "proven:" in proved.output

    # Change one decision in the export: verify names its line, prove no longer holds for it.
    lines = export.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if json.loads(line).get("decision") == "quarantine")
    changed = json.loads(lines[n])
    changed["decision"] = "allow"
    lines[n] = json.dumps(changed)
    export.write_text("\n".join(lines) + "\n")
    broken = runner.invoke(app, ["audit", "verify", str(export), "--public-key", str(key)])
    assert broken.exit_code == 1
    assert f"line {n + 1}" in broken.output and "tampered" in broken.output
