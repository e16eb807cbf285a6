"""HOME_RETURN_PERMIT: shape and context. All numbers are synthetic."""

from __future__ import annotations

import pytest

from detectors.recognizers.home_return_permit import HomeReturnPermitRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = HomeReturnPermitRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["HOME_RETURN_PERMIT"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("H12345678", 0, 9),
        ("回鄉證號碼H12345678。", 5, 14),
        ("回乡证M1234567801，", 3, 14),  # with the 2-digit issue count
        ("港澳居民來往內地通行證：M87654321", 12, 21),
        ("home return permit H00000001 issued", 19, 28),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "H1234567",  # 7 digits
        "H123456789",  # 9 digits
        "H123456789012",  # 12 digits
        "h12345678",  # lower case
        "SH12345678",  # inside a longer code
        "H12345678X",
        "型号M12345678",  # model number
        "订单号H12345678",  # order number
        "lot H20231108",
        "K12345678",  # other letter
        "何首乌 12g",  # herb name
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_field_name_hint() -> None:
    assert spans("M12345678", "sku") == []
    assert spans("M12345678", "回鄉證") == [(0, 9)]
