"""``customs audit verify/prove`` on export files and ``customs subject find`` (no broker)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.audit.chain import Chainer, Head
from customs.audit.signing import checkpoint, load_signing_key
from customs.audit.subjects import subject_digest
from customs.cli import app

KEY = "unit-test-key"
PUBLISHED = b'{"id":"r1","phone":"[removed]"}'


@pytest.fixture()
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CUSTOMS_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("CUSTOMS_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    signing = load_signing_key(tmp_path / "audit.key")
    chainer = Chainer(Head("gateway:t.inbound:0"))
    lines = []
    for n, subjects in enumerate([[subject_digest("+86 138 0013 8000", KEY.encode())], []]):
        value = PUBLISHED if n == 0 else b'{"id":"r2"}'
        event = {
            "type": "decision",
            "decision": "mask",
            "origin": {"topic": "t.inbound", "partition": 0, "offset": n},
            "digest_out": hashlib.sha256(value).hexdigest(),
            "subjects": subjects,
        }
        lines.append(chainer.add(event))
    lines.append(chainer.add(checkpoint(chainer.head, signing, 0)))
    path = tmp_path / "audit.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_verify_and_prove_an_export(export: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    pem = tmp_path / "gateway.pub"
    pem.write_text(runner.invoke(app, ["audit", "public-key"]).output)
    assert pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    ok = runner.invoke(app, ["audit", "verify", str(export), "--public-key", str(pem)])
    assert ok.exit_code == 0 and "ok: 3 events, 1 signed checkpoints" in ok.output
    record = tmp_path / "received.json"
    record.write_bytes(PUBLISHED)
    proved = runner.invoke(
        app, ["audit", "prove", str(record), "--export", str(export), "--public-key", str(pem)]
    )
    assert proved.exit_code == 0 and "proven: 3 linked hashes" in proved.output
    record.write_bytes(PUBLISHED.replace(b"r1", b"r9"))
    assert runner.invoke(app, ["audit", "prove", str(record), "--export", str(export)]).exit_code == 1
    lines = export.read_text().splitlines()
    del lines[1]
    export.write_text("\n".join(lines) + "\n")
    dropped = runner.invoke(app, ["audit", "verify", str(export)])
    assert dropped.exit_code == 1 and "line 2" in dropped.output and "gap" in dropped.output


def test_subject_find_matches_the_keyed_digest_and_never_prints_the_identifier(export: Path) -> None:
    result = CliRunner().invoke(app, ["subject", "find", "--id", "13800138000", "--export", str(export)])
    assert result.exit_code == 0, result.output
    assert "1 audit events" in result.output and "t.inbound/0@0" in result.output
    assert "13800138000" not in result.output
    other = CliRunner().invoke(app, ["subject", "find", "--id", "a@example.org", "--export", str(export)])
    assert "0 audit events" in other.output


def test_the_gateway_audit_event_carries_subject_digests_never_values() -> None:
    from datetime import date

    from customs.factory import build_inspector
    from customs.inspection import Origin
    from customs.settings import Settings
    from rules.decision import FlowContext

    inspector = build_inspector(Settings(pseudonym_key=KEY, ner=False))  # type: ignore[arg-type]
    raw = json.dumps({"id": "r1", "phone": "13800138000"}).encode()
    flow = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", date(2026, 5, 1))
    verdict = inspector.inspect(raw, flow, Origin("t", 0, 1))
    event = verdict.audit_event(Origin("t", 0, 1), flow)
    assert event["subjects"] == [subject_digest("+86 138-0013-8000", KEY.encode())]
    assert "13800138000" not in json.dumps(event)
