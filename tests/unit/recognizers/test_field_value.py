"""A phone, ID or card field's whole value, judged by its digit skeleton (``detectors.field_value``).

Under a field name that says what the value is, any grouping (dots, slashes, underscores, every digit
spaced, 3+5, 6-8-4 with ideographic spaces) and a country code without ``+`` or ``00`` are still that number,
masked whole; without such a field name, or for values that are dates, decimals, business numbers or
failed checks, nothing changes. All numbers are synthetic.
"""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.field_value import SHAPED, VALID_PHONE, phone_candidates

pytestmark = pytest.mark.unit

THRESHOLD = 0.5
ID = "440103199009095702"  # valid check character


def found(classifier: Classifier, text: str, hint: str) -> list[tuple[int, int, str, float]]:
    return [(start, end, entity, score) for start, end, score, entity in classifier.find(text, hint, False)]


@pytest.mark.parametrize(
    ("text", "hint", "entity"),
    [
        ("150.3979.7057", "phone", "PHONE_NUMBER"),
        ("135/3713/4575", "phone", "PHONE_NUMBER"),
        ("135_5680_0390", "mobile_no", "PHONE_NUMBER"),
        ("1 9 9 0 7 5 1 9 2 9 4", "phone", "PHONE_NUMBER"),
        ("937 30679", "tel", "PHONE_NUMBER"),
        ("6123 45 67", "聯絡電話", "PHONE_NUMBER"),
        ("8613994191884", "phone", "PHONE_NUMBER"),  # a JSON number's text
        ("8618618672355", "phone", "PHONE_NUMBER"),
        ("85291234567", "手機", "PHONE_NUMBER"),
        ("85362690167", "tel", "PHONE_NUMBER"),
        ("852-93335828", "tel", "PHONE_NUMBER"),
        ("0086.138.1234.5678", "phone", "PHONE_NUMBER"),
        ("+86 138.1234.5678", "contact_phone", "PHONE_NUMBER"),
        ("020.8123.4567", "电话", "PHONE_NUMBER"),  # a mainland fixed line
        ("149.1234.5678", "mobile", "PHONE_NUMBER"),  # unallocated: the shape is enough here
        ("852 9950 7668", "whatsapp", "PHONE_NUMBER"),
        ("440103 19900909 5702", "id_no", "CN_RESIDENT_ID"),
        ("440103-1990-0909-5702", "身份证号", "CN_RESIDENT_ID"),
        ("440103 19900909 5708", "證件號碼", "CN_RESIDENT_ID"),  # wrong check character
        ("440103 711111 123", "id_no", "CN_RESIDENT_ID"),  # the old 15-digit form
        ("6222.5255.8473.4391", "card", "CN_BANK_CARD"),
        ("6222/5255/8473/4391", "银行卡号", "CN_BANK_CARD"),
        ("4111.1111.1111.1111", "card_no", "CREDIT_CARD"),
    ],
)
def test_a_field_value_is_its_number_whatever_its_grouping(
    classifier: Classifier, text: str, hint: str, entity: str
) -> None:
    [(start, end, kind, score)] = found(classifier, text, hint)
    assert (start, end, kind) == (0, len(text), entity)
    assert score >= THRESHOLD


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("150_3979_7057", "note"),  # no field name that says phone: free text rules apply
        ("135/3713/4575", ""),
        ("1 9 9 0 7 5 1 9 2 9 4", "remark"),
        ("6222.5255.8473.4391", "ref"),
        ("2024-05-01", "tel_updated"),  # a date
        ("01/05/2024", "phone_checked"),
        ("2786.4410", "phone"),  # a decimal
        ("400.810.8888", "phone"),  # a business number is never reported
        ("852 1234 5678", "tel"),  # HK numbers do not start with 1
        ("86 1291 2345 678", "phone"),  # 129: no mobile
        ("440103 19901309 5702", "id_no"),  # month 13
        ("6222.5255.8473.4392", "card"),  # Luhn fails
        ("150_3979_7057", "order_phone"),  # a negative word in the field name
        ("150.3979.7057 ext", "phone"),  # not a digit skeleton
        ("+852 9123 4567 / +852 9765 4321", "phones"),
    ],
)
def test_no_finding_without_the_field_or_the_number(classifier: Classifier, text: str, hint: str) -> None:
    assert [f for f in found(classifier, text, hint) if f[0] == 0 and f[1] == len(text)] == []


@pytest.mark.parametrize(
    ("text", "hint", "score"),
    [("150.3979.7057", "phone", VALID_PHONE), ("149.1234.5678", "phone", SHAPED), (ID, "id_no", 1.0)],
)
def test_scores(classifier: Classifier, text: str, hint: str, score: float) -> None:
    [(_, _, _, got)] = found(classifier, text, hint)
    assert got == pytest.approx(score)


def test_blanks_around_the_value_stay_outside_the_finding(classifier: Classifier) -> None:
    assert found(classifier, "  150 3979 7057 ", "phone")[0][:2] == (2, 15)


def test_full_width_and_ideographic_spaces_map_back_to_the_original(classifier: Classifier) -> None:
    text = "４４０１０３\u3000１９９００９０９\u3000５７０２"
    [(start, end, entity, _)] = found(classifier, text, "id_no")
    assert (start, end, entity) == (0, len(text), "CN_RESIDENT_ID")


@pytest.mark.parametrize(
    ("compact", "readings"),
    [
        ("8613812345678", ["8613812345678", "+8613812345678"]),
        ("85291234567", ["85291234567", "+85291234567"]),
        ("0085291234567", ["0085291234567", "+85291234567"]),
        ("13812345678", ["13812345678"]),
        ("861381234567", ["861381234567"]),  # 86 and ten digits: no mobile after it
    ],
)
def test_phone_candidates(compact: str, readings: list[str]) -> None:
    assert phone_candidates(compact) == readings


@pytest.mark.parametrize(
    "text",
    ["8613812345678", "85291234567", "85366123456", " 8613994191884 "],
)
@pytest.mark.parametrize("hint", ["n", "value", "ref", ""])
def test_a_bare_country_code_and_valid_number_is_a_phone_under_any_field(
    classifier: Classifier, text: str, hint: str
) -> None:
    """A JSON number cannot hold a ``+``: 86, 852 or 853 and a valid number, nothing else, is a phone."""
    start = len(text) - len(text.lstrip())
    assert ("PHONE_NUMBER", start, len(text.rstrip())) in [
        (e, s, t) for s, t, e, _ in found(classifier, text, hint)
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("8614912345678", "n"),  # 149: the shape of a mobile, not allocated: needs the field name
        ("8640012345678", "n"),  # no valid number after 86
        ("86138123456789", "n"),  # one digit too many
        ("8613812345678 kg", "n"),  # not the whole value
        ("4008108888", "n"),  # a business number, no country code
    ],
)
def test_bare_numbers_that_are_no_phone(classifier: Classifier, text: str, hint: str) -> None:
    assert [f for f in found(classifier, text, hint) if f[2] == "PHONE_NUMBER"] == []
