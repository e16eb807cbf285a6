"""Field-aware leniency: a number with the right shape counts where the field or a word says what it is.

Phones ``phonenumbers`` does not list as allocated (mainland 141/149/164/194…, Hong Kong 9950 xxxx) and
resident IDs in the old 15-digit form or with a wrong check character: no finding alone, a finding scored
below a validated one (and above the threshold) under a phone or ID field name or after a context word.
All numbers are synthetic.
"""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.leniency import SHAPE_ONLY, phone_shape, resident_id_shape
from detectors.recognizers.cn_resident_id import PROVINCES, is_resident_id
from detectors.recognizers.phone_number import is_gba_number

pytestmark = pytest.mark.unit

THRESHOLD = 0.5


def found(classifier: Classifier, text: str, hint: str = "") -> list[tuple[int, int, str, float]]:
    return [(start, end, entity, score) for start, end, score, entity in classifier.find(text, hint, False)]


@pytest.mark.parametrize(
    "number",
    ["14912345678", "16412345678", "19412345678", "14112345678", "9950 7668", "99507668", "+852 9950 7668"],
)
def test_unallocated_phone_shapes_are_not_valid_numbers(number: str) -> None:
    """The premise: ``phonenumbers`` refuses these, so only leniency can find them."""
    assert not is_gba_number(number)


@pytest.mark.parametrize(
    ("text", "hint", "span"),
    [
        ("14912345678", "mobile", (0, 11)),
        ("16412345678", "phone", (0, 11)),
        ("19412345678", "电话", (0, 11)),
        ("14112345678", "手機", (0, 11)),
        ("9950 7668", "mobile", (0, 9)),
        ("99507668", "tel", (0, 8)),
        ("手机：14912345678", "", (3, 14)),
        ("電話 9950 7668", "", (3, 12)),
        ("call me on 19412345678", "", (11, 22)),
    ],
)
def test_unallocated_phone_counts_with_a_phone_field_or_word(
    classifier: Classifier, text: str, hint: str, span: tuple[int, int]
) -> None:
    [(start, end, entity, score)] = found(classifier, text, hint)
    assert (start, end, entity) == (*span, "PHONE_NUMBER")
    assert THRESHOLD <= score < 0.6  # above the threshold, below a validated mobile alone (0.6)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("14912345678", ""),  # no context: validity stays strict
        ("9950 7668", ""),
        ("99507668", "amount"),
        ("订单 14912345678", "phone"),  # a negative word takes the field's boost away
        ("12345678901", "phone"),  # 12x: no mobile shape
        ("1991234567", "phone"),  # ten digits
        ("0950 7668", "phone"),  # Hong Kong numbers do not start with 0 or 1
    ],
)
def test_phone_shape_alone_or_wrong_shape_is_no_finding(classifier: Classifier, text: str, hint: str) -> None:
    assert found(classifier, text, hint) == []


def test_an_international_prefix_is_context_of_its_own(classifier: Classifier) -> None:
    """``+852`` before a shape-only number says it is a phone, as a phone word would: it counts alone (just
    above the threshold), and more with a phone field name."""
    [(start, end, _, alone)] = found(classifier, "+852 9950 7668")
    [(_, _, _, with_field)] = found(classifier, "+852 9950 7668", "contact_phone")
    assert (start, end) == (0, 14)
    assert THRESHOLD <= alone < 0.6 < with_field


def test_a_validated_phone_scores_above_a_shape_only_one(classifier: Classifier) -> None:
    [(_, _, _, valid)] = found(classifier, "13812345678", "mobile")
    [(_, _, _, shaped)] = found(classifier, "14912345678", "mobile")
    assert valid > shaped >= THRESHOLD


@pytest.mark.parametrize(
    ("compact", "fits"),
    [
        ("14912345678", True),
        ("+8619412345678", True),
        ("12912345678", False),
        ("99507668", True),
        ("+85299507668", True),
        ("+85319507668", False),
        ("66123456", True),
        ("+85328123456", True),
        ("1234567", False),
    ],
)
def test_phone_shape(compact: str, fits: bool) -> None:
    assert phone_shape(compact) is fits


# 110105 (Beijing Chaoyang), born 1949-12-31: the 18-digit form's check character is X.
ID_18_WRONG_CHECK = "110105194912310021"
ID_15 = "110105491231002"


@pytest.mark.parametrize(
    ("text", "hint", "span"),
    [
        (ID_15, "id_no", (0, 15)),
        (ID_15, "身份证号", (0, 15)),
        (ID_18_WRONG_CHECK, "sfz", (0, 18)),
        (ID_18_WRONG_CHECK, "id_card", (0, 18)),
        (f"身份证：{ID_15}", "", (4, 19)),
        (f"公民身份号码 {ID_18_WRONG_CHECK}", "", (7, 25)),
    ],
)
def test_old_or_mistyped_id_counts_under_an_id_field_or_word(
    classifier: Classifier, text: str, hint: str, span: tuple[int, int]
) -> None:
    [(start, end, entity, score)] = found(classifier, text, hint)
    assert (start, end, entity) == (*span, "CN_RESIDENT_ID")
    assert THRESHOLD <= score < 1.0  # a valid ID scores 1.0


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (ID_15, ""),  # no context: strict
        (ID_18_WRONG_CHECK, ""),
        ("110105491331002", "id_no"),  # month 13: no birth date
        ("990105491231002", "id_no"),  # 99: no province
        ("110105194902300021", "sfz"),  # 30 February
    ],
)
def test_id_shape_alone_or_without_a_real_birth_date_is_no_finding(
    classifier: Classifier, text: str, hint: str
) -> None:
    assert [f for f in found(classifier, text, hint) if f[2] == "CN_RESIDENT_ID"] == []


def test_id_shapes() -> None:
    assert not is_resident_id(ID_18_WRONG_CHECK) and not is_resident_id(ID_15)
    assert resident_id_shape(ID_18_WRONG_CHECK, PROVINCES) and resident_id_shape(ID_15, PROVINCES)
    assert resident_id_shape("11010519491231002x", PROVINCES)
    assert not resident_id_shape("1101051949123100", PROVINCES)
    assert SHAPE_ONLY < THRESHOLD
