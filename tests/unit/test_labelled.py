"""customs.samples.labelled: labelled records from a JSON Lines file, for `customs eval --labels`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from customs.cli import app
from customs.samples.corpus import HerbSpan, LabelledSpan
from customs.samples.labelled import LabelError, parse_labelled, read_labelled
from customs.settings import REPO_ROOT

pytestmark = pytest.mark.unit

NOTE = "王小明复诊，王小明诉失眠，电话 13800138000"


def line(**item: Any) -> str:
    return json.dumps(item, ensure_ascii=False)


def test_labels_by_text_by_occurrence_and_by_offsets() -> None:
    labelled = parse_labelled(
        line(
            kind="tcm_note",
            domain="clinical",
            language="zh-Hans",
            record={"visit": {"notes": [NOTE]}, "herbs": "陈皮 6g"},
            labels=[
                {"path": "visit.notes.0", "entity": "PERSON", "text": "王小明"},
                {"path": "visit.notes.0", "entity": "PERSON", "text": "王小明", "occurrence": 2},
                {"path": "visit.notes.0", "entity": "HEALTH_DATA", "start": 10, "end": 12},
            ],
            herbs=[{"path": "herbs", "text": "陈皮"}],
        )
    )
    assert labelled.spans == [
        LabelledSpan("visit.notes.0", "PERSON", 0, 3),
        LabelledSpan("visit.notes.0", "PERSON", 6, 9),
        LabelledSpan("visit.notes.0", "HEALTH_DATA", 10, 12),
    ]
    assert [labelled.value(span) for span in labelled.spans] == ["王小明", "王小明", "失眠"]
    assert labelled.herbs == [HerbSpan("herbs", 0, 2)]
    assert (labelled.kind, labelled.domain, labelled.language) == ("tcm_note", "clinical", "zh-Hans")


def test_defaults_and_escaped_keys() -> None:
    labelled = parse_labelled(
        line(record={"a.b": "Mary Johnson"}, labels=[{"path": "a\\.b", "entity": "PERSON", "text": "Mary"}])
    )
    assert labelled.spans == [LabelledSpan("a\\.b", "PERSON", 0, 4)]
    assert (labelled.kind, labelled.domain, labelled.language) == ("labelled", "free_text", "zh-Hans")


@pytest.mark.parametrize(
    ("item", "field", "why"),
    [
        ("not json", "line", "not JSON"),
        ("[1, 2]", "line", "JSON object"),
        (line(labels=[]), "record", "JSON object"),
        (line(record={}, domain="retail"), "domain", "'retail' is not one of"),
        (line(record={}, language="fr"), "language", "'fr' is not one of"),
        (line(record={}, kind=""), "kind", "non-empty"),
        (line(record={}, labels={"path": "a"}), "labels", "list of objects"),
        (
            line(record={"a": "x"}, labels=[{"path": "a", "entity": "NAME", "text": "x"}]),
            "labels.0.entity",
            "'NAME'",
        ),
        (
            line(record={"a": "x"}, labels=[{"path": "b", "entity": "PERSON", "text": "x"}]),
            "labels.0.path",
            "'b'",
        ),
        (
            line(record={"a": 7}, labels=[{"path": "a", "entity": "PERSON", "text": "7"}]),
            "labels.0.path",
            "'a'",
        ),
        (
            line(record={"a": "x"}, labels=[{"path": "a", "entity": "PERSON", "text": "y"}]),
            "labels.0.text",
            "not in",
        ),
        (
            line(
                record={"a": "xx"}, labels=[{"path": "a", "entity": "PERSON", "text": "xx", "occurrence": 2}]
            ),
            "labels.0.text",
            "occurrence 2",
        ),
        (
            line(record={"a": "x"}, labels=[{"path": "a", "entity": "PERSON", "text": "x", "occurrence": 0}]),
            "labels.0.occurrence",
            "from 1",
        ),
        (
            line(record={"a": "x"}, labels=[{"path": "a", "entity": "PERSON", "start": 0, "end": 2}]),
            "labels.0",
            "1 char",
        ),
        (line(record={"a": "x"}, labels=[{"path": "a", "entity": "PERSON"}]), "labels.0", "give text"),
        (
            line(
                record={"a": "陈志明"},
                domain="clean",
                labels=[{"path": "a", "entity": "PERSON", "text": "陈志明"}],
            ),
            "labels",
            "no labels",
        ),
        (line(record={"a": "x"}, herbs=[{"path": "a", "text": "z"}]), "herbs.0.text", "not in"),
    ],
)
def test_a_bad_line_is_refused_with_its_field(item: str, field: str, why: str) -> None:
    with pytest.raises(LabelError) as raised:
        parse_labelled(item, "sample.jsonl", 7)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"sample.jsonl:7: {field}: ")
    assert why in str(raised.value)


def test_read_skips_blank_lines_and_counts_lines(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    good = line(record={"name": "陈志明"}, labels=[{"path": "name", "entity": "PERSON", "text": "陈志明"}])
    path.write_text(f"{good}\n\n{good}\n{line(record={}, domain='x')}\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"labels.jsonl:4: domain: "):
        read_labelled(path)
    path.write_text(f"{good}\n\n{good}\n", encoding="utf-8")
    assert len(read_labelled(path)) == 2
    path.write_bytes(b'{"record": {"a": "\xff"}}\n')
    with pytest.raises(LabelError, match="not UTF-8"):
        read_labelled(path)


def test_customs_eval_scores_a_labelled_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    records = [
        line(
            domain="banking",
            record={"holder": "陈志明", "mobile": "13800138000"},
            labels=[
                {"path": "holder", "entity": "PERSON", "text": "陈志明"},
                {"path": "mobile", "entity": "PHONE_NUMBER", "text": "13800138000"},
            ],
        ),
        line(domain="clean", record={"order_no": "ORD-2026-0001", "qty": "12"}, labels=[]),
    ]
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--labels", str(path), "--misses", "5"])
    assert result.exit_code == 0, result.output
    assert "Detection quality on 2 labelled records" in result.output
    rows = {
        row.split()[0]: row.split()[1:5]
        for row in result.output.splitlines()
        if row.startswith(("PERSON", "PHONE"))
    }
    assert rows["PERSON"][:2] == ["1", "1"] and rows["PHONE_NUMBER"][:2] == ["1", "1"]
    assert "clean records with an identifier finding: 0/1" in result.output

    path.write_text(line(record={"a": "x"}, labels=[{"path": "a", "entity": "PERSON", "text": "q"}]) + "\n")
    result = CliRunner().invoke(app, ["eval", "--labels", str(path)])
    assert result.exit_code == 2
    assert "labels.jsonl:1: labels.0.text:" in result.output


@pytest.mark.parametrize("name", ["gba-challenge.jsonl", "gba-holdout.jsonl", "gba-sealed.jsonl"])
def test_the_committed_challenge_sets_are_well_formed(name: str) -> None:
    """Every line of the independently written sets reads as a labelled record (paths, texts, entities);
    what detection scores on them is measured by `customs eval --labels`, not asserted here."""
    records = read_labelled(REPO_ROOT / "load" / "challenge" / name)
    assert len(records) >= 100
    assert any(record.domain == "clean" for record in records)
    assert all(record.spans for record in records if record.domain != "clean")
