"""DATE_OF_BIRTH: a date is a birth date only with birth context or a birth field name; visit, claim and
order dates, timestamps and digit groups inside longer numbers never are. All dates are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import DEFAULT_THRESHOLD, Classifier
from detectors.recognizers.date_of_birth import DateOfBirthRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = DateOfBirthRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["DATE_OF_BIRTH"])
    kept = [r for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= DEFAULT_THRESHOLD]
    return sorted((r.start, r.end) for r in kept)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("出生日期：1985-03-12", 5, 15),
        ("出生日期1985/3/12", 4, 13),
        ("出生日期 1985.03.12", 5, 15),
        ("出生日期：19850312", 5, 13),
        ("生日 1985年3月12日", 3, 13),
        ("出生年月：1985年3月", 5, 12),
        ("1985年3月12日出生，现住广州", 0, 10),
        ("出生日期：1985年3月12日", 5, 15),  # Traditional records write it the same way
        ("DOB 12/03/1985", 4, 14),
        ("D.O.B.: 12.03.1985", 8, 18),
        ("Date of birth: 12 March 1985", 15, 28),
        ("date of birth 3rd Sept 1985", 14, 27),
        ("born March 12, 1985 in Macau", 5, 19),
        ("Born: 1985-03-12 08:30", 6, 16),
        ("12 Mar 1985 (DOB)", 0, 11),
        ("Data de nascimento: 12/03/1985", 20, 30),
        ("DOB 03/25/1985", 4, 14),  # month first is accepted when the day is over 12
        ("客户生日1990-01-01，电话13812345678", 4, 14),
        # Chinese numerals
        ("出生日期：二〇一九年五月一日", 5, 14),
        ("一九八五年十二月二十一日出生", 0, 12),
        ("生日 一九七〇年一月二日", 3, 12),
        ("出生年月：二零一零年十月", 5, 12),
        ("生於一九九九年二月廿八日", 2, 12),
    ],
)
def test_birth_date_with_context(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-01",  # a date alone
        "1985-03-12",  # even an old one
        "就诊日期：2025-06-01",
        "visit 12 March 2025",
        "claim date 2025/06/01",
        "订单20240315000123",  # inside an order number
        "卡号6222 1985 0312 7894",  # digit groups of a card number
        "6222021985031278",
        "11010519491231002X",  # the birth date inside a PRC ID
        "批次20250601-003",
        "created_at 2025-06-01 10:32:11",
        "2025-06-01T10:32:11+08:00",
        "1748745131",
        "DOB: 1985-13-12",  # no 13th month
        "DOB 31/02/1985",  # no 31 February either way round
        "DOB 2099-01-01",  # not born yet
        "出生地：广州 2020-01-01",  # a birthplace, not a birth date
        "出生证明编号 2020-01-01",
        "出生日期见证件，2025-06-01复诊",  # the nearest word is the visit
        "生产日期 2025-06-01",
        "有效期至2030-01-01",
        "二〇一九年五月一日",  # a date in Chinese numerals alone
        "就诊日期：二〇二五年六月一日",
        "出生日期：二〇一九年二月三十日",  # no 30 February
        "出生日期：二〇九九年一月一日",  # not born yet
        "出生日期：十二〇一九年五月一日",  # not four numerals of a year
    ],
)
def test_not_a_birth_date(text: str) -> None:
    assert spans(text) == []


def test_the_nearest_context_decides() -> None:
    text = "出生日期1985-03-12，就诊日期2025-06-01"
    assert spans(text) == [(4, 14)]
    text = "出生日期：1985-03-12，2025-06-01 复诊"
    assert spans(text) == [(5, 15)]


@pytest.mark.parametrize(
    ("hint", "value", "expected"),
    [
        ("dob", "1985-03-12", [(0, 10)]),
        ("dateOfBirth", "12/03/1985", [(0, 10)]),
        ("birth_date", "12 March 1985", [(0, 13)]),
        ("出生日期", "1985年3月12日", [(0, 10)]),
        ("csrq", "1972年9月15日", [(0, 10)]),  # pinyin initials of 出生日期
        ("chusheng_riqi", "1966年10月2日", [(0, 10)]),
        ("chushengdi", "1966年10月2日", []),  # birthplace (出生地) in pinyin is no birth-date field
        ("visit_date", "2025-03-12", []),
        ("claim_date", "12/03/2025", []),
        ("birth_place", "1985-03-12", []),
        ("dob", "13812345678", []),
        ("出生日期", "二〇一九年五月一日", [(0, 9)]),
        ("birthday", "二零零八年十一月十日", [(0, 10)]),
        ("visit_date", "二〇二五年三月十二日", []),
    ],
)
def test_field_name_hint(hint: str, value: str, expected: list[tuple[int, int]]) -> None:
    assert spans(value, hint) == expected


def test_through_the_classifier(classifier: Classifier) -> None:
    record = {
        "patient": {"dob": "1985-03-12", "id_number": "11010519491231002X"},
        "visit_date": "2025-06-01",
        "notes": "患者出生日期1985年3月12日，2025-06-01复诊。",
    }
    findings = [f for f in classifier.classify(record) if f.entity == "DATE_OF_BIRTH"]
    assert [(f.path, f.start, f.end) for f in findings] == [("patient.dob", 0, 10), ("notes", 6, 16)]
