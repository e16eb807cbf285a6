"""A bounded corpus of adversarial lines through ``customs scan``: each shape that once stopped, froze or
slipped past the gateway, between ordinary records. ``scan`` must exit 0 and route every (non-blank) line into
exactly one of allow, mask and quarantine, with exactly one line in decisions.jsonl for it; every line it
writes is standard JSON; what it holds as undecodable is the line's bytes, in base64; no planted synthetic
identifier reaches allow or mask in clear."""

from __future__ import annotations

import base64
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.cli import app
from customs.codec import SchemaStore, encode_avro
from customs.samples import identities as ids
from customs.samples.generator import generate
from customs.settings import REPO_ROOT

runner = CliRunner()
RNG = random.Random(12)
PRC_ID = ids.prc_id(RNG)
PHONE = ids.cn_mobile(RNG)
HKID = ids.hkid(RNG)
PLANTED = (PRC_ID, PHONE, HKID)  # synthetic values that must never reach allow or mask in clear
LIMIT = 262_144  # CUSTOMS_MAX_RECORD_BYTES' default: the largest line scan inspects


@dataclass(frozen=True)
class Shape:
    name: str
    line: bytes
    # The decision and the start of its detail when the shape determines them; None: any decision will do.
    expected: tuple[str, str] | None = None


def _avro_line() -> bytes:
    schemas = SchemaStore(REPO_ROOT / "schemas")
    schema_id = schemas.id_of("bank_credit")
    sample = next(s for s in generate(50, seed=3) if s.kind == "bank_credit")
    raw = encode_avro(sample.record, schema_id, schemas.get(schema_id))
    assert b"\n" not in raw and b"\r" not in raw  # one line in a JSON Lines file
    return raw


def _nested(levels: int, opening: str, closing: str) -> bytes:
    return f'{{"id": "deep", "v": {opening * levels}1{closing * levels}}}'.encode()


def _record(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


DECODE = "quarantine"
SHAPES = [
    Shape("integer-4301-digits", b'{"id": "big", "n": ' + b"7" * 4301 + b"}", (DECODE, "number_too_long")),
    Shape(
        "negative-integer-5000-digits",
        b'{"id": "big", "n": -' + b"9" * 5000 + b"}",
        (DECODE, "number_too_long"),
    ),
    Shape("integer-4300-digits", b'{"id": "ok", "n": ' + b"7" * 4300 + b"}"),
    Shape(
        "duplicate-key-hiding-an-id",
        f'{{"id": "dup", "note": "身份证 {PRC_ID}", "note": "无"}}'.encode(),
        (DECODE, "duplicate_key"),
    ),
    Shape("duplicate-id", b'{"id": "a", "id": "b"}', (DECODE, "duplicate_key")),
    Shape(
        "duplicate-key-nested",
        f'{{"id": "n", "p": {{"phone": "{PHONE}", "phone": "x"}}}}'.encode(),
        (DECODE, "duplicate_key"),
    ),
    Shape("nan", b'{"id": "nan", "score": NaN}', (DECODE, "non_standard_number")),
    Shape("infinity", b'{"id": "inf", "score": Infinity}', (DECODE, "non_standard_number")),
    Shape("minus-infinity-in-list", b'{"id": "inf", "s": [1, -Infinity]}', (DECODE, "non_standard_number")),
    Shape("float-overflow", b'{"id": "big", "x": 1e400}', (DECODE, "non_standard_number")),
    Shape("lone-surrogate-value", b'{"id": "s", "note": "a\\ud800b"}', (DECODE, "invalid_unicode")),
    Shape("lone-surrogate-id", b'{"id": "\\udfff", "note": "x"}', (DECODE, "invalid_unicode")),
    Shape("lone-surrogate-key", b'{"id": "k", "\\udbff": "x"}', (DECODE, "invalid_unicode")),
    Shape("reversed-surrogate-pair", b'{"id": "r", "note": "\\ude00\\ud83d"}', (DECODE, "invalid_unicode")),
    Shape("surrogate-pair", b'{"id": "pair", "note": "\\ud83d\\ude00"}'),
    Shape("avro-framed", _avro_line(), (DECODE, "not JSON: an Avro-framed value")),
    Shape("invalid-utf8", b'{"id": "\xff\xfe"}', (DECODE, "not UTF-8")),
    Shape("cesu-surrogate-bytes", b'{"id": "c", "note": "\xed\xa0\x80"}', (DECODE, "not UTF-8")),
    Shape("overlong-utf8", b'{"id": "o", "note": "\xc0\xaf"}', (DECODE, "not UTF-8")),
    Shape("gbk", _record(id="gbk", note="患者病历").decode().encode("gbk"), (DECODE, "not UTF-8")),
    Shape("deep-lists", _nested(100_000, "[", "]"), (DECODE, "too deeply nested")),
    Shape("deep-objects", _nested(20_000, '{"a": ', "}"), (DECODE, "too deeply nested")),
    Shape("address-200kb", _record(id="addr", address="Flat A, 10/F, " * 14_600)),
    Shape("digits-200kb", _record(id="digits", note="1234567890" * 20_000)),
    Shape("phone-run-200kb", _record(id="phones", note=(PHONE + ", ") * 15_000)),
    Shape("han-200kb", _record(id="han", note="陈大文住在香港九龍" * 7_000)),
    Shape("separators-200kb", _record(id="sep", note="-/ ()+.,:" * 22_000)),
    Shape("mixed-scripts-200kb", _record(id="mix", note=f"電話{PHONE}、Tel: {HKID} 地址" * 5_000)),
    Shape("many-keys", json.dumps({"id": "keys", **{f"k{i}": i for i in range(12_000)}}).encode()),
    Shape("too-large", _record(id="large", note="A" * (LIMIT + 10)), (DECODE, "too large")),
    Shape("top-level-array", b"[1, 2, 3]", (DECODE, "")),
    Shape("top-level-string", b'"just a string"', (DECODE, "")),
    Shape("top-level-number", b"42", (DECODE, "")),
    Shape("top-level-null", b"null", (DECODE, "")),
    Shape("byte-order-mark", b'\xef\xbb\xbf{"id": "bom"}'),
    Shape("raw-control-character", b'{"id": "ctl", "note": "a\x01b"}', (DECODE, "")),
    Shape("nul-byte", b'{"id": "nul"}\x00', (DECODE, "")),
    Shape("trailing-garbage", b'{"id": "t"} {"id": "u"}', (DECODE, "")),
    Shape("truncated", b'{"id": "t", "note": "abc', (DECODE, "")),
    Shape("empty-object", b"{}"),
]
ORDINARY = [
    _record(id="plain", sku="A-100", qty=5),
    _record(id="person", patient={"姓名": "陈大文", "id_number": PRC_ID, "phone": PHONE}, hkid=HKID),
]
BLANKS = [b"", b"   ", b"\t", b"\r"]


def _scan(tmp_path: Path, lines: list[bytes]) -> tuple[list[dict[str, object]], dict[str, list[bytes]]]:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--policy", "mask-all"])
    assert result.exit_code == 0, (result.output, result.exception)
    routed = {
        name: (out / f"{name}.jsonl").read_bytes().splitlines() for name in ("allow", "mask", "quarantine")
    }
    decisions = [_strict(line) for line in (out / "decisions.jsonl").read_bytes().splitlines()]
    return decisions, routed


def _strict(line: bytes) -> dict[str, object]:
    """``line`` as standard JSON: UTF-8, no NaN or Infinity, no lone surrogate."""

    def refuse(name: str) -> object:
        raise AssertionError(f"non-standard number {name} written out")

    value = json.loads(line.decode("utf-8"), parse_constant=refuse)
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # a lone surrogate raises here
    assert isinstance(value, dict)
    return value


def _check_routing(
    lines: list[bytes], decisions: list[dict[str, object]], routed: dict[str, list[bytes]]
) -> None:
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    assert [d["line"] for d in decisions] == [number for number, _ in numbered]  # one decision per line
    counts = Counter(str(d["decision"]) for d in decisions)
    assert set(counts) <= {"allow", "mask", "quarantine"}
    assert {name: len(rows) for name, rows in routed.items()} == {
        n: counts[n] for n in routed
    }  # one file each
    for name, rows in routed.items():
        for row in rows:
            _strict(row)  # standard JSON only, never raw bytes
            if name != "quarantine":
                assert not any(value.encode() in row for value in PLANTED), f"a planted value in {name}"
    undecodable = [_strict(row).get("undecodable") for row in routed["quarantine"]]
    held = {row["line"]: row for row in undecodable if isinstance(row, dict)}
    for (number, line), decision in zip(numbered, decisions, strict=True):
        if decision["reasons"] == ["decode_error"]:
            assert base64.b64decode(held[number]["value_base64"]) == line  # its bytes, exactly


@pytest.mark.timeout(240)
@pytest.mark.parametrize("shape", SHAPES, ids=[shape.name for shape in SHAPES])
def test_scan_routes_each_adversarial_shape_once(tmp_path: Path, shape: Shape) -> None:
    lines = [ORDINARY[0], shape.line, b"", ORDINARY[1]]
    decisions, routed = _scan(tmp_path, lines)
    _check_routing(lines, decisions, routed)
    assert [decisions[0]["decision"], decisions[2]["decision"]] == ["allow", "mask"]  # the records around it
    decision = decisions[1]
    if shape.expected is not None:
        action, detail = shape.expected
        assert decision["decision"] == action and decision["reasons"] == ["decode_error"], decision
        assert str(decision["detail"]).startswith(detail), decision["detail"]
    else:
        assert "policy_error" not in decision["reasons"], decision


@pytest.mark.timeout(300)
def test_scan_routes_the_whole_corpus_in_one_file(tmp_path: Path) -> None:
    lines: list[bytes] = []
    for index, shape in enumerate(SHAPES):
        lines += [ORDINARY[index % 2], shape.line, BLANKS[index % len(BLANKS)]]
    decisions, routed = _scan(tmp_path, lines)
    _check_routing(lines, decisions, routed)
    assert len(decisions) == 2 * len(SHAPES)
