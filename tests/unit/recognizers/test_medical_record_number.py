"""MEDICAL_RECORD_NUMBER: a hospital's number for its patient, only where it is named as one (in text right
after its name, or as the whole value of a field so named). Synthetic numbers."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.classify import Classifier
from detectors.entities import Category, category_of
from detectors.recognizers.medical_record_number import MedicalRecordNumberRecognizer
from rules import FlowContext, decide, load_policy
from rules.decision import Action

pytestmark = pytest.mark.unit

RECOGNIZER = MedicalRecordNumberRecognizer()
CLASSIFIER = Classifier(ner=False)
ENTITY = "MEDICAL_RECORD_NUMBER"


def found(text: str, hint: str = "") -> list[str]:
    """The texts of the record numbers the classifier finds in ``text`` under field name ``hint``."""
    return [text[start:end] for start, end, _, entity in CLASSIFIER.find(text, hint) if entity == ENTITY]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("住院号ZY2024020311，出院带药。", "ZY2024020311"),
        ("门诊号：MZ-0760-2024-33871", "MZ-0760-2024-33871"),
        ("病歷號 BL-20240622-77 覆診", "BL-20240622-77"),
        ("病案号码：00387712", "00387712"),
        ("就诊卡号为A0012345。", "A0012345"),
        ("患者伍某，男，61岁，住院号Z2404117，吸烟40包年。", "Z2404117"),
        ("MRN: 00387712", "00387712"),
        ("mrn#4471203", "4471203"),
        ("PID|1||MRN88317^^^HKE^MR||", "88317"),
        ("Hospital No. HN10293847 on ward 7", "HN10293847"),
        ("patient ID P-20240611 seen today", "P-20240611"),
        ("Medical record number is 7720-1934", "7720-1934"),
        ("Inpatient no: IP/2024/00123", "IP/2024/00123"),
        ("outpatient ID OP-0077120", "OP-0077120"),
        ("Admission No. A-20240611", "A-20240611"),
        ("Med. Rec. #: 5520-77", "5520-77"),
        ("診療卡號：88017722", "88017722"),
        ("病人編號 HK-2024-0042", "HK-2024-0042"),
    ],
)
def test_a_named_number_is_found_without_its_name(text: str, number: str) -> None:
    assert found(text) == [number]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("ZY2024020311", "住院号"),
        ("MZ-0760-2024-33871", "门诊号"),
        ("MRN00387712", "mrn"),
        ("387712", "patient_mrn"),
        (" HN10293847 ", "hospital_no"),
        ("P-20240611", "patientId"),
        ("20240611001", "zyh"),
        ("BL2024-77120", "病歷號碼"),
    ],
)
def test_the_whole_value_of_a_field_so_named_is_one(value: str, hint: str) -> None:
    assert found(value, hint) == [value.strip()]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("ZY2024020311", ""),  # no name: a code like any other
        ("ZY2024020311", "order_no"),
        ("住院号2024-02-03", ""),  # a date after the name is the admission date
        ("住院号：123", ""),  # too few digits
        ("病历号待补", ""),
        ("MRN pending", ""),
        ("visit V-88", "visit_id"),
        ("a patient number of 12000 cases", ""),  # not a number's name: "of" comes between
        ("patient notes 20240611", ""),
        ("SMRN12345", ""),  # inside a longer word
        ("住院号" + "A1" * 20, ""),  # longer than a record number
        ("2024-02-03", "mrn"),  # a date in the field is not a number of the hospital's
        ("Z240", "mrn"),
    ],
)
def test_not_found(text: str, hint: str) -> None:
    assert found(text, hint) == []


def test_an_identifier_the_other_recognizers_know_keeps_its_entity() -> None:
    """A phone or a resident ID under a patient field stays what it is: the record-number reading of a
    field comes only where no other reading holds."""
    assert [f[3] for f in CLASSIFIER.find("13812345678", "patient_id")] == ["PHONE_NUMBER"]
    assert [f[3] for f in CLASSIFIER.find("11010519491231002X", "patient_id")] == ["CN_RESIDENT_ID"]


def test_its_category_is_an_identifier_not_health_data() -> None:
    assert category_of(ENTITY) is Category.IDENTITY_DOCUMENT


FLOW = ("gz-tcm-hospital", "hku-tcm-lab", "clinical_research")
RECORD = {"住院号": "ZY2024020311", "出院小结": "患者男，52岁，主诉胸闷三天。"}


@pytest.mark.parametrize(
    ("flow", "operator"),
    [
        (FLOW, "pseudonym"),  # research: one patient's visits still link up
        (("zh-insurer", "mo-insurer", "claims_settlement"), "type_tag"),  # health allowed, the number is not
    ],
)
def test_gba_default_never_lets_the_number_through_in_clear(
    flow: tuple[str, str, str], operator: str
) -> None:
    policy = load_policy("gba-default")
    findings = CLASSIFIER.classify(RECORD)
    decision = decide(RECORD, findings, FlowContext(*flow, date(2026, 5, 1)), policy)
    assert decision.action is Action.MASK, decision
    [mask] = [m for m in decision.masks if m.finding.entity == ENTITY]
    assert mask.operator == operator


def test_a_hospital_number_makes_health_data_someone_s() -> None:
    """A record with no name but a record number is about a patient: its health data stays a finding."""
    record = {"no": "ZY2024020311", "note": "住院号ZY2024020311，咳嗽"}
    assert {f.entity for f in CLASSIFIER.classify(record)} == {ENTITY, "HEALTH_DATA"}
