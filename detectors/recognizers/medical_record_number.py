"""MEDICAL_RECORD_NUMBER: a hospital's number for its patient (住院号, 病历号, MRN), where it is named.

Whoever holds the hospital's system turns the number back into the patient, so a record number is personal
information even in a record with no name: it links a research row to a chart. A number has no shape of its
own (``ZY2024020311``, ``MZ-0760-2024-33871``, ``BL-20240622-77``, ``MRN00387712``, ``387712``), so it is
found only where it is named as one:

- in text, right after its name: 住院号ZY2024020311, 门诊号：MZ-0760-2024-33871, 病歷號 BL-77120,
  ``MRN: 00387712``, ``MRN88317^^^HKE`` (an HL7 PID field), ``Hospital No. HN10293847``,
  ``patient ID P-20240611`` — the span is the number, not its name;
- as the whole value of a field whose name says so (``mrn``, ``住院号``, ``patient_id``, ``hospital_no``,
  ``zyh`` …): judged by ``detectors.field_value`` with this recognizer's context words.

A number is letters (at most four), then a digit, then letters and digits in up to five parts joined by
``-``, ``_`` or ``/``: at least four digits, at most 24 characters, not a date. Its category is
``identity_document``: it identifies the patient as a card number does, and stays out of ``health`` so that a
rule allowing a flow's health data does not let it through in clear.
"""

from __future__ import annotations

import re

from detectors.named_code import NamedCodeRecognizer

MIN_DIGITS = 4
MAX_LENGTH = 24

# Names of the number in text (the Chinese ones may end in 码/碼; the English ones are whole words).
_ZH_NAMES = (
    "住院号",
    "住院號",
    "住院编号",
    "住院編號",
    "门诊号",
    "門診號",
    "门诊编号",
    "門診編號",
    "病历号",
    "病歷號",
    "病历编号",
    "病歷編號",
    "病案号",
    "病案號",
    "就诊号",
    "就診號",
    "就诊卡号",
    "就診卡號",
    "诊疗卡号",
    "診療卡號",
    "患者编号",
    "患者編號",
    "病人编号",
    "病人編號",
)
_EN_NAMES = (
    r"mrn",
    r"medical[ _-]?record[ _-]?(?:number|no\.?|num|#)",
    r"med\.?[ _-]?rec\.?[ _-]?(?:number|no\.?|#)",
    r"hospital[ _-]?(?:number|no\.?|#)",
    r"patient[ _-]?(?:number|no\.?|id|#)",
    r"in-?patient[ _-]?(?:number|no\.?|id)",
    r"out-?patient[ _-]?(?:number|no\.?|id)",
    r"admission[ _-]?(?:number|no\.?)",
)
_DATE = re.compile(r"(?:19|20)\d\d([-/.]?)(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])")
_DIGIT = re.compile(r"\d")


def is_record_number(code: str) -> bool:
    """``code`` (already of the number's shape) has enough digits, is not too long and is no date."""
    return (
        len(code) <= MAX_LENGTH and len(_DIGIT.findall(code)) >= MIN_DIGITS and _DATE.fullmatch(code) is None
    )


class MedicalRecordNumberRecognizer(NamedCodeRecognizer):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    ZH_NAMES = _ZH_NAMES
    EN_NAMES = _EN_NAMES
    CODE = r"[a-z]{0,4}+[-_/]?\d[0-9a-z]*+(?:[-_/][0-9a-z]++){0,4}+(?![0-9a-z])"
    # Field names that say their value is the number (``detectors.field_value``), lower case.
    CONTEXT = (
        *_ZH_NAMES,
        "mrn",
        "medical_record",
        "medicalrecord",
        "medical record",
        "med_rec",
        "hospital_no",
        "hospitalno",
        "hospital_number",
        "patient_id",
        "patientid",
        "patient_no",
        "patientno",
        "patient_number",
        "inpatient_no",
        "outpatient_no",
        "admission_no",
        "admission_number",
        "zyh",  # pinyin initials of 住院号
        "mzh",  # 门诊号
        "blh",  # 病历号
    )
    # Every name holds 号/號 or one of these words: most texts are passed over on this one search.
    TRIGGER = re.compile(r"[号號]|mrn|med|hospital|patient|admission", re.IGNORECASE)

    def is_code(self, code: str, whole_field: bool = False) -> bool:
        return is_record_number(code)
