"""The minor-under-14 signal from an age the record states (rules.minor.stated_child): an age field whose
value is only the age, or an age in text where case notes put it; then every personal finding is a child's.
Ages in passing, adults' ages and fields that only end in "age" give no signal. Synthetic records."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.classify import Classifier
from detectors.walker import JsonValue
from rules import FlowContext, decide, load_policy
from rules.decide import explain
from rules.minor import stated_child


@pytest.mark.parametrize(
    ("record", "child"),
    [
        ({"age": 5}, True),
        ({"age": 13}, True),
        ({"age": 14}, False),  # 14: no longer under 14
        ({"age": 40}, False),
        ({"age": 5.0}, True),
        ({"patient_age": "5岁"}, True),
        ({"patientAge": "13 yrs"}, True),
        ({"年龄": "７"}, True),  # full-width digit
        ({"年齡": "8歲"}, True),
        ({"age_months": 30}, True),  # months: 2 and a half years
        ({"月龄": 200}, False),  # 16 years and 8 months
        ({"age": "8 months"}, True),
        ({"patient": [{"age": 6}]}, True),
        ({"age": "0-14"}, False),  # an age band, not an age
        ({"age": True}, False),
        ({"page": 3, "stage": 2, "usage": "5 years", "mileage": 12}, False),
        ({"note": "患者王小明，男，5岁，发热三天。"}, True),
        ({"note": "女, 3岁"}, True),
        ({"note": "年龄：８岁"}, True),
        ({"note": "3歲患兒，咳嗽兩週"}, True),
        ({"note": "5岁男孩，发热"}, True),
        ({"note": "a 5-year-old boy with fever"}, True),
        ({"note": "an 18-month-old girl"}, True),
        ({"note": "Patient aged 12 years."}, True),
        ({"note": "Age: 9"}, True),
        ({"note": "男，45岁，头痛"}, False),
        ({"note": "5岁时曾患哮喘，现年45岁"}, False),  # an age in passing
        ({"note": "Patient aged 65."}, False),
        ({"note": "每日3次，5天"}, False),
        ({"note": "page 5 of the report"}, False),
    ],
)
def test_a_stated_age_under_14(record: JsonValue, child: bool) -> None:
    assert stated_child(record) is child


ON = date(2026, 5, 1)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(ner=False)


@pytest.mark.parametrize(
    ("record", "held"),
    [
        ({"patient": {"phone": "13812345678", "age": 6}}, True),
        ({"patient": {"phone": "13812345678", "年龄": "6岁"}}, True),
        ({"note": "患儿，女，4岁，联系电话13812345678。"}, True),
        ({"patient": {"phone": "13812345678", "age": 46}}, False),
        ({"note": "患者，女，44岁，联系电话13812345678。"}, False),
    ],
)
def test_gba_default_holds_a_child_known_only_by_an_age(
    classifier: Classifier, record: JsonValue, held: bool
) -> None:
    policy = load_policy("gba-default")
    context = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", ON)
    findings = classifier.classify(record)
    assert findings
    decision = decide(record, findings, context, policy)
    assert (decision.action.value == "quarantine" and "minors-held" in decision.rule_ids) is held, decision
    explained, traces = explain(record, findings, context, policy)
    assert explained == decision
    assert any("minor" in trace.categories for trace in traces) is held


def test_an_age_alone_is_no_personal_data() -> None:
    policy = load_policy("gba-default")
    context = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", ON)
    decision = decide({"age": 5, "herb": "黄芪"}, [], context, policy)
    assert decision.action.value == "allow"
