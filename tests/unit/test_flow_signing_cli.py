"""`customs keys flow-new` and `customs scan` on a flow that requires signatures (synthetic keys only)."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from customs import headers as h
from customs.cli import app
from customs.factory import build_inspector
from customs.flow_keys import load_flow_key
from customs.flow_signature import sign_headers
from customs.inspection import Origin, flow_context
from customs.settings import Settings
from rules.policy import parse_policy

runner = CliRunner()
RESEARCH = {h.SOURCE: "gz-tcm-hospital", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
VALUE = json.dumps({"id": "v-9", "note": "复诊"}, ensure_ascii=False).encode()


def _policy(org: dict[str, Any]) -> dict[str, Any]:
    """gba-default with the hospital signing as ``org`` says and the research flow requiring it."""
    data = yaml.safe_load(resources.files("rules.presets").joinpath("gba-default.yaml").read_text())
    data["organisations"]["gz-tcm-hospital"].update(org)
    data["flows"][0]["require_signature"] = True
    assert data["flows"][0]["id"] == "tcm-research"
    return data


@pytest.mark.parametrize("ed25519", [False, True], ids=["hmac", "ed25519"])
def test_a_new_key_and_its_printed_policy_lines_vouch_for_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ed25519: bool
) -> None:
    monkeypatch.setenv("CUSTOMS_FLOW_KEYS_DIR", str(tmp_path / "keys"))
    result = runner.invoke(app, ["keys", "flow-new", "gz-tcm-hospital", *(["--ed25519"] if ed25519 else [])])
    assert result.exit_code == 0, result.output
    path = tmp_path / "keys" / ("gz-tcm-hospital.pem" if ed25519 else "gz-tcm-hospital.key")
    assert path.stat().st_mode & 0o777 == 0o600
    secret = path.read_text().strip()
    assert secret not in result.output and "PRIVATE" not in result.output
    snippet = yaml.safe_load(result.output[result.output.index("organisations:") :].split("\n\n")[0])
    policy = parse_policy(
        yaml.safe_dump(_policy(snippet["organisations"]["gz-tcm-hospital"])).encode(), "with-new-key"
    )
    settings = Settings(pseudonym_key="k", ner=False, flow_keys_dir=tmp_path / "keys")  # type: ignore[arg-type]
    inspector = build_inspector(settings, policy)
    signed = sign_headers(VALUE, RESEARCH, load_flow_key(path))
    verdict = inspector.inspect(VALUE, flow_context(h.as_text(signed), date(2026, 5, 1)), Origin("t", 0, 0))
    assert "flow_unauthenticated" not in verdict.decision.reasons

    again = runner.invoke(app, ["keys", "flow-new", "gz-tcm-hospital", *(["--ed25519"] if ed25519 else [])])
    assert again.exit_code == 2 and "never replaced" in again.output
    assert path.read_text().strip() == secret


@pytest.mark.parametrize("key_id", ["../escape", "gz:", ":label", "gz tcm", ""])
def test_a_bad_key_id_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_id: str) -> None:
    monkeypatch.setenv("CUSTOMS_FLOW_KEYS_DIR", str(tmp_path))
    result = runner.invoke(app, ["keys", "flow-new", key_id])
    assert result.exit_code == 2 and not list(tmp_path.iterdir())


def test_scan_holds_every_unsigned_record_of_a_flow_requiring_signatures(tmp_path: Path) -> None:
    policy = tmp_path / "signed.yaml"
    policy.write_text(yaml.safe_dump(_policy({"signing": "hmac-sha256"}), allow_unicode=True))
    records = tmp_path / "in.jsonl"
    records.write_text(VALUE.decode() + "\n" + json.dumps({"id": "v-10", "qty": 1}) + "\n")
    research = [
        "--source",
        "gz-tcm-hospital",
        "--destination",
        "hku-tcm-lab",
        "--purpose",
        "clinical_research",
    ]
    base = ["scan", str(records), "--policy", str(policy), "--date", "2026-05-01"]
    held = runner.invoke(app, [*base, "--out", str(tmp_path / "held"), *research])
    assert held.exit_code == 0, held.output
    decisions = [
        json.loads(line) for line in (tmp_path / "held" / "decisions.jsonl").read_text().splitlines()
    ]
    assert [(d["decision"], d["reasons"], d["detail"]) for d in decisions] == [
        ("quarantine", ["flow_unauthenticated"], "signature_missing")
    ] * 2
    assert re.search(r"quarantine 2", held.output)
    # The same file on the bank's flow, which requires no signature, is decided as usual.
    bank = ["--source", "sz-bank", "--destination", "hk-bank-branch", "--purpose", "credit_assessment"]
    free = runner.invoke(app, [*base, "--out", str(tmp_path / "free"), *bank])
    assert free.exit_code == 0, free.output
    rows = [json.loads(line) for line in (tmp_path / "free" / "decisions.jsonl").read_text().splitlines()]
    assert all("flow_unauthenticated" not in row["reasons"] for row in rows)


def test_the_demo_runs_the_shipped_policy_with_one_flow_requiring_signatures(tmp_path: Path) -> None:
    from customs.cli.demo import SIGNED_FLOW, SIGNED_SOURCE, signed_demo_policy
    from customs.flow_keys import signing_keys
    from rules.policy import load_policy

    settings = Settings(pseudonym_key="k", flow_keys_dir=tmp_path)  # type: ignore[arg-type]
    demo = signed_demo_policy(settings)
    policy = load_policy(demo.policy)
    [flow] = [f for f in policy.flows if f.id == SIGNED_FLOW]
    assert policy.signature_required(flow) and policy.organisations[SIGNED_SOURCE].signing == "hmac-sha256"
    assert sum(policy.signature_required(f) for f in policy.flows) == 1
    assert set(signing_keys(tmp_path)) == {SIGNED_SOURCE}  # the feed signs with the key the gateway reads
    assert demo.as_env()["CUSTOMS_POLICY"] == demo.policy  # the worker the demo starts runs it
    other = settings.model_copy(update={"policy": "mask-all"})
    assert signed_demo_policy(other) is other


def test_the_feed_signs_with_the_sources_key_and_forges_on_request(tmp_path: Path) -> None:
    from customs.flow_keys import FlowKeys, new_hmac_key, signing_keys
    from customs.flow_signature import Unauthenticated, check
    from customs.samples.feed import signed_headers
    from customs.samples.generator import generate

    new_hmac_key(tmp_path / "dg-factory.key")
    keys, gateway = signing_keys(tmp_path), FlowKeys(tmp_path).lookup
    samples = list(generate(200, seed=3))
    factory = next(s for s in samples if s.flow.source == "dg-factory")
    other = next(s for s in samples if s.flow.source != "dg-factory")
    value = factory.payload()
    assert check(h.as_text(signed_headers(factory, value, keys)), value, True, gateway) is None
    forged = h.as_text(signed_headers(factory, value, keys, forged=True))
    assert check(forged, value, True, gateway) is Unauthenticated.MISMATCH
    assert h.SIGNATURE not in h.as_text(signed_headers(other, other.payload(), keys))
