"""CN_BANK_CARD: UnionPay numbers with a Luhn check. All numbers are synthetic (check digits computed)."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.cn_bank_card import CnBankCardRecognizer, is_bank_card

pytestmark = pytest.mark.unit

RECOGNIZER = CnBankCardRecognizer()
# A synthetic Gansu (region 620102) resident ID whose 18 digits also pass Luhn.
GANSU_ID_PASSING_LUHN = "620102199001010513"


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["CN_BANK_CARD"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("6222021234567894", 0, 16),
        ("银行卡号6222021234567894。", 4, 20),
        ("卡號：6222 0212 3456 7894，", 3, 22),
        ("储蓄卡6222-0212-3456-7894", 3, 22),
        ("銀聯卡6228480012345678903", 3, 22),  # 19 digits
        ("card no 6228 4800 1234 5678 903", 8, 31),  # 19 digits, 4-4-4-4-3
        ("6217001234567890122", 0, 19),
        ("62220212345678903", 0, 17),  # 17 digits
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "6222021234567895",  # wrong check digit
        "卡号6222 0212 3456 7893",
        "622202123456789",  # 15 digits
        "62220212345678941234",  # 20 digits
        "6222 0212 3456 7894 1234",  # a longer grouped digit run
        "4111111111111111",  # Visa: CREDIT_CARD, not CN_BANK_CARD
        "订单号6222021234567894",  # order number
        "时间戳1622021234567",  # millisecond timestamp starting with 16
        "金额6222021234.56",
        GANSU_ID_PASSING_LUHN,  # a resident ID, not a card
        "身份证" + GANSU_ID_PASSING_LUHN,
        "黄芪 30g 白术 15g",
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_order_field_name_lowers_score() -> None:
    assert spans("6222021234567894", "order_no") == []
    assert spans("6222021234567894", "bank_card") == [(0, 16)]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("6222021234567894", True),
        ("6222 0212 3456 7894", True),
        ("6222021234567890128", True),
        ("6222021234567893", False),
        ("5555555555554444", False),  # Luhn-valid but not 62
        (GANSU_ID_PASSING_LUHN, False),
    ],
)
def test_is_bank_card(text: str, valid: bool) -> None:
    assert is_bank_card(text) is valid


def test_resident_id_is_not_a_card(classifier: Classifier) -> None:
    findings = classifier.classify({"note": "身份证" + GANSU_ID_PASSING_LUHN})
    assert [(f.entity, f.start, f.end) for f in findings] == [("CN_RESIDENT_ID", 3, 21)]


@pytest.mark.parametrize("separator", [" ", "\t", "\u3000"], ids=["space", "tab", "ideographic"])
@pytest.mark.parametrize(
    "cards",
    [
        ("6222021234567894", "6228480012345678903"),
        ("6222021234567894", "6217001234567890122", "62220212345678903"),
        ("6222 0212 3456 7894", "6228 4800 1234 5678 903"),  # each grouped
    ],
)
@pytest.mark.parametrize(
    "before", ["", "银行卡号：", "還款帳戶 ", "Bank cards "], ids=["alone", "zh-Hans", "zh-Hant", "en"]
)
def test_listed_cards_are_each_found(cards: tuple[str, ...], separator: str, before: str) -> None:
    text = before + separator.join(cards) + "。"
    expected, at = [], len(before)
    for card in cards:
        expected.append((at, at + len(card)))
        at += len(card) + len(separator)
    assert sorted(spans(text)) == expected


def test_listed_card_and_phone(classifier: Classifier) -> None:
    text = "6222021234567894 13812345678"
    findings = classifier.classify({"还款信息": text})
    assert [(f.entity, f.start, f.end) for f in findings] == [
        ("CN_BANK_CARD", 0, 16),
        ("PHONE_NUMBER", 17, 28),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "6222 0212 3456 7894 6222",  # a longer grouped run: one number or none
        "6222021234567894 6222021234567895",  # the second fails Luhn: neither is split out
    ],
)
def test_runs_that_are_not_lists_of_cards(text: str) -> None:
    assert spans(text) == []
