"""``customs policy``: explain, scan and the stream agree; check, diff, schema and reidentify."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs import headers as h
from customs.cli import app
from customs.cli.offline import run_scan
from customs.cli.policy import explain_record, policy_schema
from customs.factory import build_inspector
from customs.inspection import Origin, flow_context
from customs.settings import REPO_ROOT, Settings
from rules.operators.tokenise import tokenise
from rules.policy import load_policy

runner = CliRunner()
KEY = "unit-test-key"
RESEARCH = ("gz-tcm-hospital", "hku-tcm-lab", "clinical_research")
DAY = date(2025, 6, 1)
RECORDS: list[dict[str, object]] = [
    {"id": "v-1", "patient": {"id_no": "11010519491231002X", "phone": "13812345678"}},
    {"id": "v-2", "note": "请致电13812345678"},
    {"id": "v-3", "ref": "110105201506010012"},  # bad check digit: no finding
    {"id": "v-4", "item": "bolts", "qty": 4},
]
FLOWS = [RESEARCH, ("nowhere", "hku-tcm-lab", "x")]


def _settings() -> Settings:
    return Settings(pseudonym_key=KEY)


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("preset", ["gba-default", "mask-all"])
def test_explain_scan_and_inspector_agree(tmp_path: Path, flow: tuple[str, str, str], preset: str) -> None:
    settings, policy = _settings(), load_policy(preset)
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS))
    run_scan(sample, tmp_path / "out", settings, policy, flow, DAY)
    scanned = [json.loads(line) for line in (tmp_path / "out" / "decisions.jsonl").read_text().splitlines()]
    inspector = build_inspector(settings, policy)
    headers = dict(zip((h.SOURCE, h.DESTINATION, h.PURPOSE), flow, strict=True))
    context = flow_context(headers, DAY)
    for record, row in zip(RECORDS, scanned, strict=True):
        raw = json.dumps(record, ensure_ascii=False).encode()
        streamed = inspector.inspect(raw, context, Origin("t", 0, 0)).decision.to_json()
        explained = explain_record(raw, settings, policy, context).to_json()
        for key in ("decision", "reasons", "rules", "policy_version", "flow"):
            assert streamed[key] == row[key] == explained[key], (record["id"], key)


def test_explain_command_prints_paths_not_values(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text(json.dumps(RECORDS[0]))
    source, destination, purpose = RESEARCH
    args = ["policy", "explain", str(record), "--source", source, "--destination", destination]
    result = runner.invoke(
        app, [*args, "--purpose", purpose, "--date", "2025-06-01"], env={"CUSTOMS_PSEUDONYM_KEY": KEY}
    )
    assert result.exit_code == 0, result.output
    assert "flow     tcm-research" in result.output
    assert "patient.id_no[0:18] CN_RESIDENT_ID" in result.output
    assert (
        "identity-documents-redacted" in result.output
        and "category identity_document listed" in result.output
    )
    assert "decision mask" in result.output
    assert "11010519491231002X" not in result.output and "13812345678" not in result.output


def test_check_keeps_its_output_and_exit_code(tmp_path: Path) -> None:
    result = runner.invoke(app, ["policy", "check", "gba-default"])
    assert result.exit_code == 0
    assert result.output.startswith(f"ok: policy gba-default version {load_policy('gba-default').version}: ")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: broken\ndefault_action: shred\n")
    result = runner.invoke(app, ["policy", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: field default_action" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"name: a\x07b\n", ":1: YAML syntax error: character U+0007", id="control-character"),
        pytest.param(
            b"name: a\ndefault_action: allow\nname: b\n", ":3: field name: duplicate key", id="duplicate"
        ),
        pytest.param(b"name: a\nx: " + b"[" * 2000 + b"]" * 2000, ":2: field x.0.0", id="deep"),
        pytest.param(b"name: a\n\xff\n", ":2: not UTF-8", id="not-utf8"),
    ],
)
def test_check_refuses_loader_errors_with_file_and_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    result = runner.invoke(app, ["policy", "check", str(bad)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"error: {bad}{expected}" in result.output, result.output


def test_check_refuses_personal_information_crossing_without_a_legal_basis(tmp_path: Path) -> None:
    """The preset's supply-chain feed with names added: masking them is not a legal basis."""
    text = Path(str(REPO_ROOT / "rules" / "presets" / "gba-default.yaml")).read_text(encoding="utf-8")
    bad = tmp_path / "no-basis.yaml"
    bad.write_text(text.replace("categories: [organisation]", "categories: [organisation, name]"))
    result = runner.invoke(app, ["policy", "check", str(bad)])
    assert result.exit_code == 2, result.output
    line = text.splitlines().index("    contract: {kind: none, in_force_from: 2020-01-01}") + 1
    assert f"error: {bad}:{line}: field flows.3.contract.kind: personal information (name)" in result.output


def test_diff_counts_changes_by_transition_and_reason(tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS) + "not json\n")
    result = runner.invoke(
        app,
        ["policy", "diff", "gba-default", "mask-all", "--sample", str(sample), "--source", "nowhere"],
        env={"CUSTOMS_PSEUDONYM_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # No flow: gba-default holds all four decodable records; mask-all masks two, allows two.
    assert lines[0] == "records 5, changed 4"
    assert "  quarantine[no_flow] -> mask[rule_mask]: 2" in lines
    assert "  quarantine[no_flow] -> allow[]: 2" in lines
    assert "  -no_flow: 4" in lines and "  +rule_mask: 2" in lines


def test_committed_schema_is_the_generated_one() -> None:
    committed = (REPO_ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8")
    assert committed == policy_schema(), "run: customs policy schema --out schemas/policy.schema.json"


def test_schema_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["policy", "schema", "--out", str(out)]).exit_code == 0
    schema = json.loads(out.read_text())
    assert {"name", "flows", "rules", "review_threshold", "low_confidence_action"} <= set(
        schema["properties"]
    )


@pytest.mark.parametrize("token_key", [None, "separate-token-key"])
def test_reidentify_reverses_a_token(token_key: str | None) -> None:
    env = {"CUSTOMS_PSEUDONYM_KEY": KEY}
    if token_key:
        env["CUSTOMS_TOKEN_KEY"] = token_key
    token = tokenise("11010519491231002X", "CN_RESIDENT_ID", (token_key or KEY).encode())
    result = runner.invoke(app, ["policy", "reidentify", "--entity", "CN_RESIDENT_ID", token], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "11010519491231002X"


def test_reidentify_refuses_unknown_entity_and_non_tokens() -> None:
    env = {"CUSTOMS_PSEUDONYM_KEY": KEY}
    assert (
        runner.invoke(app, ["policy", "reidentify", "--entity", "SHOE_SIZE", "123456"], env=env).exit_code
        == 2
    )
    assert (
        runner.invoke(app, ["policy", "reidentify", "--entity", "PERSON", "陈大文"], env=env).exit_code == 2
    )
