"""MO_ID_CARD: no public checksum; the bracketed form counts alone, the old slashed form needs context, the
unbracketed forms need a Macau context word or field name. All numbers are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.mo_id_card import MoIdCardRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = MoIdCardRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["MO_ID_CARD"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("澳門身份證1234567(8)", 5, 15),
        ("澳门居民身份证号码：5123456（7），", 10, 20),
        ("BIR 7654321(0)", 4, 14),
        ("澳門居民身份證 1/234567/8。", 8, 18),  # old form
        ("Macau ID: 5000000(1)", 10, 20),
        ("1234567(8)", 0, 10),  # the bracketed form alone
        ("資料核對時誤錄 1097326(4)，待刪除", 8, 18),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "1/234567/8",  # the old form alone is not enough
        "訂單 1234567(8)",  # a negative word before it
        "澳門身份證2234567(8)",  # first digit must be 1, 5 or 7
        "澳門身份證123456(7)",  # too short
        "澳門身份證12345678(9)",  # too long
        "澳門身份證1/23456/7",
        "澳門身份證01/234567/8",
        "澳門身份證1/234567/89",
        "澳門身份證 6222 1234567(8)",  # tail of a grouped digit run
        "金银花 15g",  # herb name
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_field_name_hint(classifier: Classifier) -> None:
    findings = classifier.classify({"澳門身份證": "1/234567/8", "ref": "1234567(8)"})
    assert [(f.path, f.entity, f.start, f.end) for f in findings] == [("澳門身份證", "MO_ID_CARD", 0, 10)]


@pytest.mark.parametrize("number", ["1228150 7", "12281507", "1228150-7", "5228150 7", "72281507"])
@pytest.mark.parametrize(
    "before",
    [
        "澳門身份證 ",
        "澳门身份证号码：",
        "澳門居民身份證：",
        "BIR ",
        "BIR:",
        "Macau ID ",
        "macao identity no. ",
    ],
)
def test_unbracketed_found_after_a_macau_word(before: str, number: str) -> None:
    assert spans(before + number + "。") == [(len(before), len(before) + len(number))]


@pytest.mark.parametrize("number", ["1228150 7", "12281507", "1228150-7"])
@pytest.mark.parametrize(
    "field", ["mo_id", "MO ID", "澳門身份證號碼", "澳门身份证", "macau_id_no", "holder.bir"]
)
def test_unbracketed_found_under_a_macau_field(classifier: Classifier, field: str, number: str) -> None:
    assert spans(number) == []
    findings = classifier.classify({field: number})
    assert [(f.entity, f.start, f.end) for f in findings] == [("MO_ID_CARD", 0, len(number))]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("12281507", ""),  # eight bare digits alone
        ("1228150 7", ""),
        ("1228150-7", ""),
        ("身份證 12281507", ""),  # any ID word is not enough: it must be the Macau card
        ("12281507", "id_no"),
        ("12281507", "id_number"),
        ("19850312", "birth_date"),  # the bir of birth is no BIR
        ("12281507", "demo_id"),
        ("澳門身份證 22281507", ""),  # first digit must be 1, 5 or 7
        ("澳門身份證 1228150 78", ""),  # nine digits
        ("澳門身份證 1228150 7 8", ""),  # a longer grouped run
        ("澳門身份證 12281507.5", ""),
    ],
)
def test_unbracketed_not_found(classifier: Classifier, text: str, hint: str) -> None:
    found = classifier.classify({hint or "value": text})
    assert [f for f in found if f.entity == "MO_ID_CARD"] == []
