"""HK_ID_CARD: check-character algorithm and spans. All numbers are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.hk_id_card import HkIdCardRecognizer, check_char, is_valid

pytestmark = pytest.mark.unit

RECOGNIZER = HkIdCardRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["HK_ID_CARD"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A123456", "3"),  # DOMAIN.md worked example
        ("CA182361", "1"),  # DOMAIN.md worked example, two-letter prefix
        ("B100000", "A"),  # remainder 1 -> "A": 36*9 + 11*8 + 1*7 = 419 = 38*11 + 1
        ("B100005", "0"),  # remainder 0 -> "0": 419 + 5*2 = 429 = 39*11
        ("b100005", "0"),  # lower case is read as upper case
    ],
)
def test_check_char(body: str, expected: str) -> None:
    assert check_char(body) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("A123456(3)", True),
        ("A1234563", True),
        ("CA182361(1)", True),
        ("B100000(A)", True),
        ("A123456（3）", True),
        ("A123456(4)", False),
        ("CA182361(2)", False),
        ("B100000(0)", False),
        ("A12345(3)", False),
    ],
)
def test_is_valid(text: str, valid: bool) -> None:
    assert is_valid(text) is valid


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("A123456(3)", 0, 10),
        ("身份證號碼A123456(3)。", 5, 15),
        ("香港身份证CA182361(1)，已核实", 5, 16),
        ("HKID: A1234563", 6, 14),
        ("持證人A123456（3）", 3, 13),
        ("hkid b100000(a) ok", 5, 15),
        ("客户B100005(0)与B100000(A)", 2, 12),
        ("plain A1234563 alone", 6, 14),
        ("mother HKID M380516 1", 12, 21),  # the check character apart
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text)[:1] == [(start, end)]


def test_two_numbers_in_one_text() -> None:
    assert spans("客户B100005(0)与B100000(A)") == [(2, 12), (13, 23)]


@pytest.mark.parametrize(
    "text",
    [
        "身份證號碼A123456(4)",  # wrong check digit
        "CA182361(2)",  # wrong check digit, two letters
        "A1234564",  # wrong check digit, no brackets
        "A123456 4",  # wrong check digit, apart
        "订单号XA1234563B",  # inside a longer code
        "SKU-ABC1234563",  # three letters: not an HK ID
        "a1234563",  # lower case without brackets is too common in codes
        "A12345678(3)",  # too many digits
        "护照号码A1234563",  # passport context lowers the plain form below threshold
        "陈皮 黄芪 白术 10g",  # herb names
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_field_name_hint_through_classifier(classifier: Classifier) -> None:
    findings = classifier.classify({"身份證": "A123456(3)", "note": "CA182361(2)"})
    assert [(f.path, f.entity, f.start, f.end) for f in findings] == [("身份證", "HK_ID_CARD", 0, 10)]
