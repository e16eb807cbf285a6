"""The minor-under-14 signal from a birth date, on the record's date: inside a PRC resident ID (18 or 15
digits), or any ``DATE_OF_BIRTH`` finding (a birth word before it, or a birth-date field)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from detectors.classify import Classifier
from detectors.finding import Finding
from detectors.walker import JsonValue
from rules import FlowContext, decide, load_policy
from rules.minor import age_on, birth_date_of, is_minor, is_minor_id


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(ner=False)


def resident_id(born: str, sequence: str = "001") -> str:
    body = f"440103{born}{sequence}"
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("born", "on", "minor"),
    [
        ("20180101", date(2026, 5, 1), True),
        ("20120501", date(2026, 4, 30), True),  # 13 the day before the 14th birthday
        ("20120501", date(2026, 5, 1), False),  # 14 on the birthday
        ("19900101", date(2026, 5, 1), False),
        ("20300101", date(2026, 5, 1), False),  # born after the record's date: not a plausible child
    ],
)
def test_minor_from_resident_id(born: str, on: date, minor: bool) -> None:
    number = resident_id(born)
    record = {"patient": {"ids": [f"证件号{number}"]}}
    finding = Finding("patient.ids.0", "CN_RESIDENT_ID", 3, 21, 1.0)
    assert is_minor_id(record, finding, on) is minor


def test_other_entities_and_broken_paths_are_not_minors() -> None:
    number = resident_id("20180101")
    assert not is_minor_id({"a": number}, Finding("a", "HK_ID_CARD", 0, 18, 1.0), date(2026, 1, 1))
    assert not is_minor_id({"a": number}, Finding("b", "CN_RESIDENT_ID", 0, 18, 1.0), date(2026, 1, 1))


@pytest.mark.parametrize(
    "written",
    [
        "11010519491231002X",
        "110105 19491231 002X",
        "110105-1949-1231-002X",
        "１１０１０５\u3000１９４９１２３１\u3000００２Ｘ",
    ],
)
def test_birth_date_of_a_grouped_id(written: str) -> None:
    assert birth_date_of(written) == date(1949, 12, 31)


def test_birth_date_and_age() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert birth_date_of("110105194913310021") is None
    assert age_on(date(2000, 2, 29), date(2014, 2, 28)) == 13


def test_gba_default_holds_a_child_and_masks_an_adult() -> None:
    policy = load_policy("gba-default")
    context = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", date(2026, 5, 1))
    child, adult = resident_id("20180101"), resident_id("19800101")
    held = decide({"id_number": child}, [Finding("id_number", "CN_RESIDENT_ID", 0, 18, 1.0)], context, policy)
    assert held.action.value == "quarantine" and held.rule_ids == ("minors-held",)
    masked = decide(
        {"id_number": adult}, [Finding("id_number", "CN_RESIDENT_ID", 0, 18, 1.0)], context, policy
    )
    assert masked.action.value == "mask" and masked.rule_ids == ("identity-documents-redacted",)


# Any birth date: DATE_OF_BIRTH findings (after a birth word, or in a birth-date field) give the signal too.
ON = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("record", "minor"),
    [
        ({"dob": "2019-05-01"}, True),
        ({"birth_date": "2012-05-02"}, True),  # 13 the day before the 14th birthday
        ({"birth_date": "2012-05-01"}, False),  # 14 on the birthday
        ({"出生日期": "2019年5月1日"}, True),
        ({"出生日期": "二〇一九年五月一日"}, True),  # Chinese numerals
        ({"出生日期": "一九八五年十二月二十一日"}, False),
        ({"dob": "01/05/2019"}, True),  # day first
        ({"dob": 20190501}, True),  # a number
        ({"dob": "１９８０－０１－０１"}, False),
        ({"dob": "２０１９－０５－０１"}, True),  # full-width
        ({"remarks": "患者出生日期 2020-02-29，就诊日期 2026-04-01"}, True),
        ({"dob": "1980-01-01"}, False),
    ],
)
def test_minor_from_any_birth_date(classifier: Classifier, record: JsonValue, minor: bool) -> None:
    findings = [f for f in classifier.classify(record) if f.entity == "DATE_OF_BIRTH"]
    assert findings, record
    assert any(is_minor(record, f, ON) for f in findings) is minor


def test_minor_from_an_old_15_digit_id() -> None:
    assert birth_date_of("110105491231002") == date(1949, 12, 31)
    record = {"id_no": "440103150101001"}  # born 1915: no child
    assert not is_minor(record, Finding("id_no", "CN_RESIDENT_ID", 0, 15, 0.55), ON)


def test_gba_default_holds_a_child_known_only_by_a_birth_date(classifier: Classifier) -> None:
    policy = load_policy("gba-default")
    context = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", ON)
    child: JsonValue = {"patient": {"dob": "2019-05-01"}}
    adult: JsonValue = {"patient": {"dob": "1980-05-01"}}
    held = decide(child, classifier.classify(child), context, policy)
    assert held.action.value == "quarantine" and held.rule_ids == ("minors-held",)
    masked = decide(adult, classifier.classify(adult), context, policy)
    assert masked.action.value == "mask" and masked.rule_ids == ("birth-dates-as-year",)
