"""The findings snapshot's comparison names each set as the same or where it first differs."""

from __future__ import annotations

from load.findings_snapshot import compare


def test_compare_reports_same_differing_and_missing_sets() -> None:
    before = {"a": [[["x", "PERSON", 0, 2, "0.85"]], []], "b": [[], []], "c": [[]]}
    after = {"a": [[["x", "PERSON", 0, 2, "0.85"]], []], "b": [[], [["y", "EMAIL_ADDRESS", 0, 9, "1.0"]]]}
    assert compare(before, after) == [
        "same a (2 records)",
        "DIFFERS b: 1 records, lengths 2 / 2, first at 1",
        "MISSING c (after)",
    ]
