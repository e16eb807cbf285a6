"""PHONE_NUMBER: mainland, Hong Kong and Macau numbers. All numbers are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.phone_number import PhoneNumberRecognizer, is_business_number, is_gba_number

pytestmark = pytest.mark.unit

RECOGNIZER = PhoneNumberRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["PHONE_NUMBER"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # mainland mobile
        ("13812345678", 0, 11),
        ("电话13812345678，", 2, 13),
        ("手機號碼：139-1234-5678。", 5, 18),
        ("mobile +86 138 1234 5678", 7, 24),
        ("0086-138-1234-5678", 0, 18),
        ("+8613812345678", 0, 14),
        ("86-13812345678", 0, 14),
        ("13812345678转021", 0, 11),
        ("tel: +86 (138) 0013-8000", 5, 24),  # first group in brackets
        ("(139) 1234 5678", 0, 15),
        ("联系（母亲）(138)1234-5678", 6, 20),
        # mainland fixed lines
        ("广州办公室020-12345678", 5, 17),
        ("(0755)2345-6789", 0, 15),
        ("010-6512 3456", 0, 13),
        ("+86 20 1234 5678", 0, 16),
        ("电话02012345678", 2, 13),
        # Hong Kong and Macau with a country code
        ("手機：+852 5123 4567", 3, 17),
        ("(852) 2123 4567", 0, 15),
        ("+852-6123-4567", 0, 14),
        ("00852 98765432", 0, 14),
        ("+853 6612 3456", 0, 14),
        ("澳門辦公室+853 2831 2345。", 5, 19),
        ("mob +852 91 23 45 67 / office", 4, 20),  # grouped any way after the country code
        ("macau +853 66 12 34 56", 6, 22),
        # four and four digits, as Hong Kong and Macau write their numbers
        ("其子葉俊朗（6628 4517）已簽署同意書", 6, 15),
        ("can be reached on 9386 2174 after 6pm", 18, 27),
        ("5123 4567", 0, 9),
        # bare eight digits, or pairs, need a context word
        ("電話 5123 4567", 3, 12),
        ("如需更改請致電28 35 10 24", 7, 18),
        ("澳門電話 6612 3456", 5, 14),
        ("WhatsApp: 91234567", 10, 18),
        ("联系方式51234567，谢谢", 4, 12),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    ("text", "hint", "start", "end"),
    [
        ("51234567", "phone", 0, 8),
        ("61234567", "電話", 0, 8),
        ("66123456", "mobile", 0, 8),
        ("02012345678", "tel", 0, 11),
    ],
)
def test_bare_number_found_with_field_name(text: str, hint: str, start: int, end: int) -> None:
    assert spans(text) == []
    assert spans(text, hint) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "51234567",  # bare eight digits, no context
        "61234567",
        "28 35 10 24",  # pairs, no context
        "訂單 5123 4567",  # four and four after a negative word
        "發票號碼 2786 4410",
        "4123 4567",  # not a Hong Kong or Macau number
        "12345678901",  # 12x is no mobile prefix
        "14112345678",  # 141 is not allocated: its shape alone needs a phone word (test_leniency)
        "电话1381234567",  # ten digits
        "电话138123456789",  # twelve digits
        "+852 1234 5678",  # HK numbers do not start with 1
        "+852 41234567",  # 41 is not an HK prefix
        "+853 2812 3456",  # 281 is not a Macau fixed line
        "0755-1234567",  # Shenzhen has 8-digit local numbers
        "11010519491231002X",  # resident ID
        "身份证号110105194912310021",
        "6222021234567894",  # bank card
        "卡号6222 0212 3456 7894",  # grouped bank card
        "电话 6222-0212-3456-7894",
        "订单号13812345678",  # order number
        "訂單編號：13912345678",
        "¥13812345678.00",  # amount
        "金额 23456789 元",
        "电话 13812345678.50",  # decimal
        "时间戳1710489600000",  # millisecond timestamp
        "1710489600",  # second timestamp
        "2024-03-15 13:45:30",
        "20240315",
        "SKU13812345678",  # inside a code
        "当归 黄芪 陈皮 各10g",  # herb names
        "v13.812.345.678",
        "(129) 1234 5678",  # 12x is no mobile prefix, brackets or not
        "编号(138)12345678901",  # too many digits after the brackets
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_order_number_field_name_lowers_score() -> None:
    assert spans("13812345678", "order_no") == []


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("13812345678", True),
        ("+86 138 1234 5678", True),
        ("0086-138-1234-5678", True),
        ("020-12345678", True),
        ("(852) 2123 4567", True),
        ("51234567", True),  # HK mobile
        ("66123456", True),  # Macau mobile
        ("28312345", True),  # Macau fixed line
        ("+44 20 7946 0000", False),  # valid elsewhere, but outside the GBA
        ("14112345678", False),
        ("41234567", False),
    ],
)
def test_is_gba_number(text: str, valid: bool) -> None:
    assert is_gba_number(text) is valid


def test_two_phones_in_one_text() -> None:
    text = "电话13812345678或+852 5123 4567"
    assert spans(text) == [(2, 13), (14, 28)]


def test_through_classifier_with_field_name(classifier: Classifier) -> None:
    findings = classifier.classify({"電話": "5123 4567", "amount": "51234567", "mobile": "13812345678"})
    assert [(f.path, f.entity, f.start, f.end) for f in findings] == [
        ("電話", "PHONE_NUMBER", 0, 9),
        ("mobile", "PHONE_NUMBER", 0, 11),
    ]


# Numbers listed a space (or a tab, or an ideographic space) apart: each is its own finding.
LISTED_NUMBERS = [
    ("13812345678", "13912345678"),
    ("13812345678", "13912345678", "13712345678"),
    ("138 1234 5678", "139 1234 5678"),
    ("138-1234-5678", "139-1234-5678", "137-1234-5678"),
    ("+852 5123 4567", "+852 6123 4567"),
    ("+86 138 1234 5678", "13912345678"),
    ("020-12345678", "13812345678"),
]
SEPARATORS = [" ", "\t", "\u3000"]


def _listed(numbers: tuple[str, ...], separator: str, before: str = "") -> tuple[str, list[tuple[int, int]]]:
    text, expected = before, []
    for number in numbers:
        if text and text != before:
            text += separator
        expected.append((len(text), len(text) + len(number)))
        text += number
    return text, expected


@pytest.mark.parametrize("separator", SEPARATORS, ids=["space", "tab", "ideographic"])
@pytest.mark.parametrize("numbers", LISTED_NUMBERS, ids=lambda n: f"{len(n)}x{n[0]}")
@pytest.mark.parametrize(
    "before", ["", "电话：", "聯絡電話 ", "Call "], ids=["alone", "zh-Hans", "zh-Hant", "en"]
)
def test_listed_numbers_are_each_found(numbers: tuple[str, ...], separator: str, before: str) -> None:
    text, expected = _listed(numbers, separator, before)
    assert sorted(spans(text + "，谢谢")) == expected


@pytest.mark.parametrize("separator", SEPARATORS, ids=["space", "tab", "ideographic"])
@pytest.mark.parametrize("field", ["phones", "電話", "联系电话", "contact_numbers"])
def test_listed_numbers_in_a_field(classifier: Classifier, field: str, separator: str) -> None:
    # eight bare digits need the field name; so do HK/Macau numbers grouped four and four in a run
    for numbers in (("51234567", "61234567"), ("5123 4567", "6123 4567", "2812 3456"), LISTED_NUMBERS[1]):
        text, expected = _listed(numbers, separator)
        findings = classifier.classify({field: text})
        assert [(f.entity, f.start, f.end) for f in findings] == [("PHONE_NUMBER", s, e) for s, e in expected]


@pytest.mark.parametrize(
    "text",
    [
        "5123 4567 6123 4567",  # grouped like one number: HK numbers in it need a context word or field
        "卡号6222 0212 3456 7893",  # a card with a wrong check digit is no pair of phones
        "13812345678 1391234567",  # one part is no number: neither is split out
        "1203 13812345678",
        "SKU13812345678 13912345678",  # inside a code
        "13812345678 13912345678.50",  # a decimal
        "订单号 13812345678 13912345678",  # order numbers
    ],
)
def test_runs_that_are_not_lists_of_phones(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "4008123456",  # mainland 400, national form
        "400-812-3456",
        "400 812 3456",
        "+86 400 812 3456",
        "8008101234",  # mainland 800
        "+86 800 810 1234",
        "+852 800 933 933",  # Hong Kong toll-free
        "+852 9003 1234",  # Hong Kong premium rate
        "+852 3001 2345",  # Hong Kong universal access number
        "+853 0800 123",  # Macau toll-free
        "95010123456",  # mainland 950 shared cost
    ],
)
def test_business_numbers_are_never_reported(classifier: Classifier, text: str) -> None:
    assert is_business_number(text)
    assert spans("客服热线 " + text) == []
    assert classifier.classify({"phone": text, "note": "請致電 " + text}) == []


@pytest.mark.parametrize("text", ["13812345678", "+852 5123 4567", "66123456", "020-12345678"])
def test_personal_numbers_are_not_business_numbers(text: str) -> None:
    assert not is_business_number(text)


@pytest.mark.parametrize(
    ("text", "span", "at_least"),
    [
        # a mobile grouped by dots: two dots in 3-4-4 groups are no decimal
        ("138.1234.5678", (0, 13), 0.6),
        ("0086.138.1234.5678", (0, 18), 0.6),
        ("+86 138.1234.5678", (0, 17), 0.6),
        ("请拨 139.1234.5678 联系", (3, 16), 0.6),
        # glued to ASCII letters, with a phone word (the glued one counts)
        ("mobile13812345678", (6, 17), 0.5),
        ("mobile13812345678ok", (6, 17), 0.5),
        ("电话13812345678ok", (2, 13), 0.5),
        ("Tel:13812345678ext", (4, 15), 0.5),
        # a WhatsApp link holds the number in international form without +
        ("https://wa.me/85291234567", (14, 25), 0.9),
        ("https://wa.me/8613812345678?text=hi", (14, 27), 0.9),
        ("https://api.whatsapp.com/send?phone=85366123456", (36, 47), 0.9),
        ("https://wa.me/85299507668", (14, 25), 0.5),  # unallocated: the shape
        # an unallocated number written with its international prefix
        ("+852 9950 7668", (0, 14), 0.5),
        ("+853 6000 0284", (0, 14), 0.5),
        ("00852 99507668", (0, 14), 0.5),
        ("+86 194 1234 5678", (0, 17), 0.5),
    ],
)
def test_more_forms_found_in_free_text(
    classifier: Classifier, text: str, span: tuple[int, int], at_least: float
) -> None:
    [(start, end, score, entity)] = classifier.find(text, "", False)
    assert (start, end, entity) == (*span, "PHONE_NUMBER")
    assert score >= at_least


@pytest.mark.parametrize(
    "text",
    [
        "1.3812.3456",  # not 3-4-4
        "138.1234.5678.9",  # a longer dotted run (a version or an OID)
        "v138.1234.5678",
        "192.168.1.1",
        "3.1415926",
        "SKU13812345678",  # glued, no phone word: a code
        "abc13812345678x",
        "13812345678ok",
        "mobile12912345678",  # glued but no mobile
        "https://wa.me/12345",  # too short
        "https://wa.me/85212345678",  # HK numbers do not start with 1
        "https://example.com/85291234567",  # digits in a path are not a link's number
        "订单 +852 9950 7668",  # a negative word cancels the prefix
        "852 9950 7668",  # no + or 00: the shape alone
    ],
)
def test_more_forms_not_found(classifier: Classifier, text: str) -> None:
    assert [f for f in classifier.find(text, "", False) if f[3] == "PHONE_NUMBER"] == []
