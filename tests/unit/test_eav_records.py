"""Entity-attribute-value and FHIR-style records, where a value's name is data beside it: the field-name
context reaches the value through its sibling label (``detectors.walker.child_hint``). Each case is a
value that nothing finds without its label. Synthetic data."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.walker import JsonValue

pytestmark = pytest.mark.unit

CLASSIFIER = Classifier(ner=False)
LABELS = ("label", "system", "name", "attr", "field", "项目")


@pytest.mark.parametrize(
    ("record", "entity"),
    [
        ({"label": "住院号", "value": "ZY2024020311"}, "MEDICAL_RECORD_NUMBER"),
        ({"system": "https://his.example.hk/id/mrn", "value": "HN10293847"}, "MEDICAL_RECORD_NUMBER"),
        ({"name": "身份证号", "value": "110105194912310021"}, "CN_RESIDENT_ID"),  # wrong check digit
        ({"label": "DOB", "value": "1985-03-12"}, "DATE_OF_BIRTH"),
        ({"attr": "电话", "value": "97610042"}, "PHONE_NUMBER"),  # eight bare digits need a phone word
        ({"field": "wechat", "value": "linwei"}, "IM_ACCOUNT"),
        ({"patient": "P-1", "项目": "诊断", "值": "气虚血瘀"}, "HEALTH_DATA"),
    ],
)
def test_the_label_beside_a_value_says_what_it_is(record: dict[str, JsonValue], entity: str) -> None:
    found = [(f.path, f.entity) for f in CLASSIFIER.classify(record)]
    value_key = next(key for key in record if key in ("value", "值"))
    assert (value_key, entity) in found, found
    without_label = {key: value for key, value in record.items() if key not in LABELS}
    assert (value_key, entity) not in [(f.path, f.entity) for f in CLASSIFIER.classify(without_label)]


def test_a_label_of_no_personal_kind_adds_nothing() -> None:
    record = {"label": "batch", "value": "ZY2024020311"}
    assert CLASSIFIER.classify(record) == []
