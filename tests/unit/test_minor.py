"""The minor-under-14 signal from the birth date inside a PRC resident ID, on the record's date."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from detectors.finding import Finding
from rules import FlowContext, decide, load_policy
from rules.minor import age_on, birth_date_of, is_minor_id


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
