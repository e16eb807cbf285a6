"""The evaluation arithmetic on a tiny hand-made corpus with known true and false positives and negatives."""

from __future__ import annotations

from typing import Any

import pytest

from customs.samples.corpus import HerbSpan, LabelledRecord, LabelledSpan
from customs.samples.evaluation import Counts, Report, evaluate, format_report, matches, run_eval
from detectors.finding import Finding

pytestmark = pytest.mark.unit


class Scripted:
    """A classifier stand-in that returns fixed findings per record id."""

    def __init__(self, findings: dict[str, list[Finding]]) -> None:
        self.findings = findings

    def classify(self, record: Any) -> list[Finding]:
        return self.findings.get(record["id"], [])


def counts(c: Counts) -> tuple[int, int, int, int]:
    return c.labels, c.labels_found, c.predictions, c.predictions_correct


def f(path: str, entity: str, start: int, end: int) -> Finding:
    return Finding(path=path, entity=entity, start=start, end=end, score=0.9)


CORPUS = [
    LabelledRecord(
        record={"id": "r1", "name": "陈志明", "phone": "13812345678", "notes": "患者头痛三天"},
        spans=[
            LabelledSpan("name", "PERSON", 0, 3),
            LabelledSpan("phone", "PHONE_NUMBER", 0, 11),
            LabelledSpan("notes", "HEALTH_DATA", 2, 4),
        ],
        language="zh-Hans",
        domain="clinical",
    ),
    LabelledRecord(
        record={"id": "r2", "x": "51234567", "y": "发热丝"}, spans=[], language="zh-Hans", domain="clean"
    ),
    LabelledRecord(record={"id": "r3", "sku": "DG-000123"}, spans=[], language="en", domain="clean"),
    LabelledRecord(
        record={"id": "r4", "rx": "陈皮10g、黄芪15g"},
        spans=[LabelledSpan("rx", "HEALTH_DATA", 0, 11)],
        language="zh-Hans",
        domain="free_text",
        herbs=[HerbSpan("rx", 0, 2), HerbSpan("rx", 6, 8)],
    ),
]
FINDINGS = {
    "r1": [
        f("name", "PERSON", 0, 3),  # TP
        f("phone", "PHONE_NUMBER", 0, 5),  # overlaps 5 of 11 characters: FP, and the label is missed
        f("notes", "HEALTH_DATA", 2, 6),  # covers the label: TP
        f("notes", "PERSON", 0, 2),  # FP
    ],
    # both FP; only the phone is an identifier
    "r2": [f("x", "PHONE_NUMBER", 0, 8), f("y", "HEALTH_DATA", 0, 2)],
    "r3": [],
    "r4": [f("rx", "PERSON", 0, 2)],  # a herb flagged PERSON (FP); the prescription is missed
}


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(Scripted(FINDINGS), CORPUS)


def test_per_entity_precision_and_recall(report: Report) -> None:
    person = report.per_entity["PERSON"]
    assert counts(person) == (1, 1, 3, 1)
    assert person.precision == pytest.approx(1 / 3)
    assert person.recall == 1.0
    assert person.f1 == pytest.approx(0.5)

    phone = report.per_entity["PHONE_NUMBER"]
    assert counts(phone) == (1, 0, 2, 0)
    assert phone.precision == 0.0 and phone.recall == 0.0 and phone.f1 == 0.0

    health = report.per_entity["HEALTH_DATA"]
    assert counts(health) == (2, 1, 2, 1)
    assert health.precision == 0.5 and health.recall == 0.5

    assert counts(report.overall) == (4, 2, 7, 2)


def test_clean_and_herb_rates(report: Report) -> None:
    assert (report.clean_records, report.clean_with_identifier) == (2, 1)
    assert report.clean_fp_rate == 0.5
    assert report.clean_entities == {"PHONE_NUMBER": 1}
    assert (report.prescriptions, report.prescriptions_herb_as_person) == (1, 1)
    assert report.herb_as_person_rate == 1.0


def test_per_domain(report: Report) -> None:
    assert report.per_domain["clinical"].labels == 3
    assert report.per_domain["clinical"].labels_found == 2
    assert report.per_domain["clean"].predictions == 2
    assert report.per_domain["free_text"].recall == 0.0


def test_misses_are_listed(report: Report) -> None:
    kinds = sorted((m.kind, m.entity, m.path) for m in report.misses)
    assert ("missed", "HEALTH_DATA", "rx") in kinds
    assert ("missed", "PHONE_NUMBER", "phone") in kinds
    assert ("spurious", "PERSON", "notes") in kinds
    assert len(kinds) == 2 + 5


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 10, True),  # exact
        (5, 10, True),  # exactly half of the labelled span
        (6, 10, False),  # under half
        (0, 20, True),  # longer than the label
        (10, 20, False),  # touching, not overlapping
    ],
)
def test_overlap_rule(start: int, end: int, expected: bool) -> None:
    label = LabelledSpan("p", "PERSON", 0, 10)
    assert matches(f("p", "PERSON", start, end), label) is expected


def test_entity_and_path_must_agree() -> None:
    label = LabelledSpan("p", "PERSON", 0, 10)
    assert not matches(f("q", "PERSON", 0, 10), label)
    assert not matches(f("p", "LOCATION", 0, 10), label)


def test_format_report(report: Report) -> None:
    text = format_report(report, show_misses=3)
    assert "PERSON" in text and "33.3%" in text and "100.0%" in text
    assert "clean records with an identifier finding: 1/2 = 50.0%" in text
    assert "prescriptions with a herb flagged PERSON: 1/1 = 100.0%" in text


def test_run_eval_end_to_end() -> None:
    report = run_eval(60, seed=3)
    assert report.records == 60
    assert report.overall.labels > 100
    assert report.per_entity["CN_RESIDENT_ID"].recall == 1.0
    assert "HEALTH_DATA" in format_report(report)
