"""Spaced digit runs split into the numbers they hold, each a complete valid number of its kind; a run that
is one number as a whole stays one. All numbers are synthetic or public test numbers."""

from __future__ import annotations

import pytest

from detectors import digit_runs
from detectors.classify import Classifier

pytestmark = pytest.mark.unit

ID = "11010519491231002X"
ID_2 = "440104199001010555"  # passes Luhn too: a resident ID, never a card
PHONE = "13812345678"
CARD = "6222021234567894"
VISA = "4111111111111111"


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("13812345678 13912345678", [(0, "13812345678 13912345678")]),
        ("电话 138-1234-5678 139-1234-5678。", [(3, "138-1234-5678 139-1234-5678")]),
        ("+852 5123 4567 +852 6123 4567", [(0, "+852 5123 4567 +852 6123 4567")]),
        ("2024-03-15", []),  # no space
        ("13812345678\t13912345678", []),  # a tab already separates
        ("SKU13812345678 13912345678", []),  # inside a code
        ("13812345678 13912345678.50", []),  # a decimal
    ],
)
def test_runs(text: str, runs: list[tuple[int, str]]) -> None:
    assert digit_runs.runs(text) == runs


def test_split_takes_the_fewest_parts(classifier: Classifier) -> None:
    assert digit_runs.split("6222 0212 3456 7894") == ()  # one card as a whole
    assert [p[:3] for p in digit_runs.split("13812345678 6222 0212 3456 7894")] == [
        (0, 11, "PHONE_NUMBER"),
        (12, 31, "CN_BANK_CARD"),
    ]


@pytest.mark.parametrize("separator", [" ", "\t", "\u3000"], ids=["space", "tab", "ideographic"])
@pytest.mark.parametrize(
    ("numbers", "entities"),
    [
        ((ID, ID_2), ["CN_RESIDENT_ID", "CN_RESIDENT_ID"]),
        ((ID_2, PHONE), ["CN_RESIDENT_ID", "PHONE_NUMBER"]),
        ((PHONE, CARD, VISA), ["PHONE_NUMBER", "CN_BANK_CARD", "CREDIT_CARD"]),
        ((ID_2, CARD, PHONE), ["CN_RESIDENT_ID", "CN_BANK_CARD", "PHONE_NUMBER"]),
    ],
)
@pytest.mark.parametrize(
    ("field", "before"),
    [("numbers", ""), ("备注", "客户资料："), ("備註", "客戶資料 "), ("note", "Customer details: ")],
    ids=["field", "zh-Hans", "zh-Hant", "en"],
)
def test_mixed_kinds(
    classifier: Classifier,
    numbers: tuple[str, ...],
    entities: list[str],
    separator: str,
    field: str,
    before: str,
) -> None:
    text = before + separator.join(numbers) + "。"
    findings = classifier.classify({field: text})
    assert [(f.entity, text[f.start : f.end]) for f in findings] == list(zip(entities, numbers, strict=True))


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("6222 0212 3456 7894", "6222 0212 3456 7894"),  # one grouped card, never a phone and a rest
        ("6222-0212-3456-7894", "6222-0212-3456-7894"),
        ("卡号 6228 4800 1234 5678 903", "6228 4800 1234 5678 903"),
    ],
)
def test_a_grouped_number_stays_one(classifier: Classifier, text: str, card: str) -> None:
    findings = classifier.classify({"value": text})
    assert [(f.entity, text[f.start : f.end]) for f in findings] == [("CN_BANK_CARD", card)]
