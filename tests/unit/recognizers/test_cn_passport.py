"""CN_PASSPORT: E-series on shape alone; older and official series need context. Synthetic numbers."""

from __future__ import annotations

import pytest

from detectors.recognizers.cn_passport import CnPassportRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = CnPassportRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["CN_PASSPORT"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("E12345678", 0, 9),
        ("护照号码E12345678。", 4, 13),
        ("護照EA1234567，", 2, 11),
        ("passport no. EH0000001", 13, 22),
        ("护照G12345678", 2, 11),  # older ordinary passport, with context
        ("Passport: D00000001", 10, 19),
        ("公务护照SE1234567", 4, 13),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "G12345678",  # older forms need context
        "P12345678",
        "SE1234567",
        "E1234567",  # too short
        "E123456789",  # too long
        "EI1234567",  # I is not used
        "e12345678",  # lower case
        "XE12345678",  # inside a longer code
        "型号E12345678",  # model number
        "订单E12345678",
        "批号E20240612",  # lot number
        "甘草 6g",  # herb name
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_field_name_hint_for_older_form() -> None:
    assert spans("G12345678", "passport_no") == [(0, 9)]
