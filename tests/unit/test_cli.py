"""The command-line contract of DESIGN.md: `customs detect` and `customs scan`."""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.cli import app

ID = "11010519491231002X"
EMAIL = "zhang94@example.cn"
runner = CliRunner()


def _nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def _write_sample(path: Path) -> Path:
    lines = [
        json.dumps(
            {"id": "r1", "patient": {"id_number": ID}, "notes": [f"邮箱{EMAIL}", "无"]}, ensure_ascii=False
        ),
        json.dumps({"id": "r2", "sku": "A-100", "qty": 5}),
        "not json at all",
        "",
        json.dumps([1, 2]),
        json.dumps({"id": "r3", "deep": _nested(40)}),
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": "\xff\xfe"}\n')
    return path


def test_detect_prints_one_line_per_record_in_order(tmp_path: Path) -> None:
    result = runner.invoke(app, ["detect", str(_write_sample(tmp_path / "in.jsonl"))])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["r1", "r2", None, None, None, None]
    first = {(f["path"], f["entity"], f["start"], f["end"]) for f in rows[0]["findings"]}
    assert ("patient.id_number", "CN_RESIDENT_ID", 0, 18) in first
    assert ("notes.0", "EMAIL_ADDRESS", 2, 2 + len(EMAIL)) in first
    assert all(0 < f["score"] <= 1 for f in rows[0]["findings"])
    assert rows[1]["findings"] == []
    errors = [row["error"] for row in rows[2:]]
    assert errors[0].startswith("not JSON") and errors[1].startswith("not an object")
    assert errors[2].startswith("too deeply nested") and errors[3].startswith("not UTF-8")


@pytest.mark.parametrize("preset", ["mask-all", "gba-default"])
def test_scan_routes_every_line_to_exactly_one_file(tmp_path: Path, preset: str) -> None:
    source = _write_sample(tmp_path / "in.jsonl")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--policy", preset])
    assert result.exit_code == 0, result.output
    routed = {
        name: (out / f"{name}.jsonl").read_text().splitlines() for name in ("allow", "mask", "quarantine")
    }
    decisions = [json.loads(line) for line in (out / "decisions.jsonl").read_text().splitlines()]
    assert sum(len(lines) for lines in routed.values()) == len(decisions) == 6
    assert [d["id"] for d in decisions] == ["r1", "r2", None, None, None, None]
    assert {d["decision"] for d in decisions[2:]} == {"quarantine"}
    assert all(d["reasons"] == ["decode_error"] for d in decisions[2:])
    for name in ("allow", "mask"):
        for line in routed[name]:
            assert ID not in line and EMAIL not in line
    if preset == "mask-all":
        assert [d["decision"] for d in decisions[:2]] == ["mask", "allow"]
        masked = json.loads(routed["mask"][0])
        assert masked["patient"] == {"id_number": "<CN_RESIDENT_ID>"} and masked["notes"][1] == "无"
    else:  # no flow given: the shipped policy holds everything
        assert [d["reasons"] for d in decisions[:2]] == [["no_flow"], ["no_flow"]]


def test_scan_with_a_flow_uses_the_same_decide_as_the_stream(tmp_path: Path) -> None:
    source = _write_sample(tmp_path / "in.jsonl")
    out = tmp_path / "out"
    flow = ["--source", "sz-bank", "--destination", "hk-bank-branch", "--purpose", "credit_assessment"]
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--date", "2026-01-15", *flow])
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in (out / "decisions.jsonl").read_text().splitlines()]
    assert decisions[0]["decision"] == "mask" and decisions[0]["flow"] == "bank-credit"
    assert decisions[1]["decision"] == "allow"


def test_bad_policy_is_refused_naming_file_line_and_field(tmp_path: Path) -> None:
    policy = tmp_path / "bad.yaml"
    policy.write_text("name: broken\nrules:\n  - id: r1\n    entities: [NOT_AN_ENTITY]\n    action: allow\n")
    result = runner.invoke(app, ["policy", "check", str(policy)])
    assert result.exit_code == 2
    assert f"{policy}:4: field rules.0.entities:" in result.output and "NOT_AN_ENTITY" in result.output


def test_console_script_is_installed_and_documents_itself() -> None:
    customs = Path(sys.executable).parent / "customs"
    result = subprocess.run([str(customs), "--help"], capture_output=True, text=True, timeout=60, check=True)
    for command in ("detect", "scan", "worker", "topics", "demo", "policy"):
        assert command in result.stdout


def _hostile_lines() -> list[bytes]:
    """Lines that once stopped ``scan``/``detect`` or slipped past them; each must end as a decode error."""
    from customs.codec import encode_avro
    from tests.unit.test_codec import BANK, SCHEMAS

    schema_id = SCHEMAS.id_of("bank_credit")
    return [
        b'{"id": "big", "n": ' + b"9" * 5000 + b"}",  # ValueError: Exceeds the limit (4300 digits)
        f'{{"id": "dup", "note": "身份证{ID}", "note": "无"}}'.encode(),  # only the last was classified
        b'{"id": "\\ud800", "note": "x"}',  # a lone surrogate id: UnicodeEncodeError on output
        b'{"id": "k", "\\udfff": "x"}',
        b'{"id": "nan", "score": NaN}',
        encode_avro(BANK, schema_id, SCHEMAS.get(schema_id)),  # Avro in a JSON Lines file: was written raw
    ]


HOSTILE_DETAILS = (
    "number_too_long",
    "duplicate_key",
    "invalid_unicode",
    "invalid_unicode",
    "non_standard_number",
    "not JSON: an Avro-framed value",
)


def test_detect_reports_hostile_lines_and_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([*_hostile_lines(), b'{"id": "last"}']) + b"\n")
    result = runner.invoke(app, ["detect", str(source)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == [None] * len(HOSTILE_DETAILS) + ["last"]
    for row, detail in zip(rows, HOSTILE_DETAILS, strict=False):
        assert row["error"].startswith(detail) and row["findings"] == []


@pytest.mark.parametrize("preset", ["mask-all", "gba-default"])
def test_scan_quarantines_hostile_lines_with_their_bytes(tmp_path: Path, preset: str) -> None:
    hostile = _hostile_lines()
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([*hostile, b'{"id": "last"}']) + b"\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--policy", preset])
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in (out / "decisions.jsonl").read_text().splitlines()]
    assert [d["line"] for d in decisions] == list(range(1, len(hostile) + 2))
    for decision, detail in zip(decisions, HOSTILE_DETAILS, strict=False):
        assert decision["reasons"] == ["decode_error"] and decision["detail"].startswith(detail)
        assert decision["id"] is None
    quarantined = (out / "quarantine.jsonl").read_text().splitlines()[: len(hostile)]
    held = [json.loads(line)["undecodable"] for line in quarantined]
    assert [base64.b64decode(row["value_base64"]) for row in held] == hostile
    for name in ("allow", "mask"):
        text = (out / f"{name}.jsonl").read_bytes()
        assert ID.encode() not in text and b"\x00" not in text
        assert all(json.loads(line)["id"] == "last" for line in text.splitlines())


def test_scan_streams_an_oversize_line_without_holding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line over the size limit is read and copied in bounded chunks, never whole; none of it is lost."""
    import customs.cli.offline as offline

    monkeypatch.setenv("CUSTOMS_MAX_RECORD_BYTES", "64")
    monkeypatch.setattr(offline, "CHUNK", 30)
    huge = b'{"id": "huge", "note": "' + "数据".encode() * 20_000 + b'"}'
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a"}\r\n' + huge + b"\r\n" + b'{"id": "b"}\n' + huge)
    pieces = [
        [len(line.raw), *(len(chunk) for chunk in line.rest or ())] for line in offline.lines(source, 64)
    ]
    assert len(pieces) == 4 and max(max(sizes) for sizes in pieces) <= 66
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--policy", "mask-all"])
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in (out / "decisions.jsonl").read_text().splitlines()]
    assert [d["id"] for d in decisions] == ["a", None, "b", None]
    assert decisions[1]["detail"] == f"too large: {len(huge)} bytes, limit 64"
    held = [json.loads(line)["undecodable"] for line in (out / "quarantine.jsonl").read_text().splitlines()]
    assert [base64.b64decode(row["value_base64"]) for row in held] == [huge, huge]
    assert [row["line"] for row in held] == [2, 4]


def test_an_oversize_line_is_written_as_it_is_read() -> None:
    """Each chunk of an oversize line is in the output before the next one is read: none is held."""
    import io

    from customs.cli.offline import Line, _write_oversize

    out = io.StringIO()
    seen: list[int] = []

    def rest() -> Iterator[bytes]:
        for _ in range(50):
            seen.append(out.tell())
            yield b"x" * 30
        seen.append(out.tell())

    detail = _write_oversize(Line(7, b"y" * 65, rest()), 64, out)
    assert detail == "too large: 1565 bytes, limit 64"
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))
    row = json.loads(out.getvalue())["undecodable"]
    assert base64.b64decode(row["value_base64"]) == b"y" * 65 + b"x" * 1500 and row["line"] == 7


LISTED = [
    ("phones", "13812345678 13912345678"),
    ("電話", "+852 5123 4567 +852 6123 4567"),
    ("phones", "51234567 61234567 28312345"),
    ("cards", "6222021234567894 6228480012345678903"),
    ("note", "客户电话 13812345678 13712345678，身份证 11010519491231002X 440104199001010555。"),
    ("note", "Call 138 1234 5678 139 1234 5678 or pay with 4111111111111111 5555555555554444."),
]


def test_scan_mask_all_leaves_no_number_of_a_spaced_list_in_clear(tmp_path: Path) -> None:
    """Two (or three) numbers a space apart are each found, so mask-all leaves none of them in clear."""
    source = tmp_path / "in.jsonl"
    rows = [{"id": f"r{i}", field: text} for i, (field, text) in enumerate(LISTED)]
    source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--policy", "mask-all"])
    assert result.exit_code == 0, result.output
    masked = (out / "mask.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in masked] == [row["id"] for row in rows]
    numbers = [
        "13812345678", "13912345678", "5123 4567", "6123 4567", "51234567", "61234567", "28312345",
        "6222021234567894", "6228480012345678903", "13712345678", "11010519491231002X", "440104199001010555",
        "138 1234 5678", "139 1234 5678", "4111111111111111", "5555555555554444",
    ]  # fmt: skip
    for line in masked:
        assert not [number for number in numbers if number in line], line
