"""CREDIT_CARD: Visa, Mastercard, Amex, JCB, Diners, Discover, Maestro and Mir with a Luhn check. Public
test numbers or synthetic ones."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.credit_card import CardSchemeRecognizer, scheme_of

pytestmark = pytest.mark.unit

RECOGNIZER = CardSchemeRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["CREDIT_CARD"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("4111111111111111", 0, 16),
        ("信用卡號4111 1111 1111 1111。", 4, 23),
        ("Visa: 4012-8888-8888-1881", 6, 25),
        ("万事达卡5555555555554444", 4, 20),
        ("2221000000000009", 0, 16),  # Mastercard 2-series
        ("Amex 3782 822463 10005", 5, 22),  # 4-6-5 grouping
        ("JCB卡3530111333300000，", 4, 20),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # wrong check digit
        "信用卡5555 5555 5555 4443",
        "6222021234567894",  # UnionPay: CN_BANK_CARD
        "411111111111111",  # 15-digit Visa does not exist
        "37828224631000",  # 14-digit Amex
        "5655555555554444",  # 56 is no Mastercard prefix
        "3400 1111 1111 1111 1111",  # a longer grouped digit run
        "订单号4111111111111111",  # order number
        "身份证440104199001010555",  # Guangdong resident ID, starts with 4 and passes Luhn
        "时间戳1710489600000",
        "金额4111111111.11",
        "当归 12g 陈皮 6g",
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("4111111111111111", "visa"),
        ("4222222222222", "visa"),  # 13 digits
        ("5555555555554444", "mastercard"),
        ("2720999999999996", "mastercard"),
        ("378282246310005", "amex"),
        ("3530111333300000", "jcb"),
        ("2721000000000004", None),  # just past the 2-series range
        ("6222021234567894", None),
    ],
)
def test_scheme_of(text: str, scheme: str | None) -> None:
    assert scheme_of(text) == scheme


def test_card_and_phone_together(classifier: Classifier) -> None:
    findings = classifier.classify({"payment": "卡号4111 1111 1111 1111，电话13812345678"})
    assert [(f.entity, f.start, f.end) for f in findings] == [
        ("CREDIT_CARD", 2, 21),
        ("PHONE_NUMBER", 24, 35),
    ]


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("30569309025904", "diners"),  # Diners Club International (public test number)
        ("38520000023237", "diners"),
        ("36123456789013", "diners"),
        ("6011111111111117", "discover"),  # public test number
        ("6011000990139424", "discover"),
        ("6445644564456445", "discover"),
        ("6500000000000002", "discover"),
        ("6304000000000000", "maestro"),
        ("501800000009", "maestro"),  # 12 digits
        ("6759649826438453", "maestro"),
        ("2200000000000004", "mir"),
        ("6011111111111118", None),  # wrong check digit
        ("3056930902590", None),  # 13-digit Diners does not exist
        ("6221260000000000", None),  # Discover in UnionPay's range: CN_BANK_CARD
        ("6200000000000005", None),  # UnionPay
        ("6400000000000003", None),  # 640 is no Discover prefix
    ],
)
def test_more_networks(text: str, scheme: str | None) -> None:
    assert scheme_of(text) == scheme


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("credit card 3056 930902 5904", 12, 28),  # Diners, 4-6-4
        ("Diners Club卡号 30569309025904，", 14, 28),
        ("信用卡 6011 1111 1111 1117", 4, 23),  # Discover
        ("discover: 6011-0009-9013-9424", 10, 29),
        ("Maestro 6759 6498 2643 8453", 8, 27),
        ("卡號6304000000000000", 2, 18),
        ("Mir 2200 0000 0000 0004", 4, 23),
    ],
)
def test_more_networks_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize("separator", [" ", "\t", "\u3000"], ids=["space", "tab", "ideographic"])
@pytest.mark.parametrize(
    "cards",
    [("4111111111111111", "5555555555554444"), ("30569309025904", "6011111111111117", "378282246310005")],
)
def test_listed_cards_are_each_found(classifier: Classifier, cards: tuple[str, ...], separator: str) -> None:
    for text in (
        separator.join(cards),
        "信用卡：" + separator.join(cards),
        "Cards on file: " + separator.join(cards),
    ):
        findings = classifier.classify({"cards": text})
        found = [(f.entity, text[f.start : f.end]) for f in findings]
        assert found == [("CREDIT_CARD", card) for card in cards]
