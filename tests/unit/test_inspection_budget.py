"""The inspection time budget: classification reads the clock between fields and recognizers, and a record
past its budget is quarantined as ``inspection_timeout`` — it alone; the records beside it are judged as
ever. Clocks here are counters (no timing): the tests count how often the classifier looks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import detectors.classify as classify_module
from customs import headers as h
from customs.cli.offline import run_detect
from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, flow_context
from customs.settings import Settings
from detectors.classify import Classifier, DeadlinePassed
from rules.policy import load_policy

PHONE = "13812345678"
RESEARCH = {h.SOURCE: "gz-tcm-hospital", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
ORIGIN = Origin("customs.inbound", 0, 7)
LONG = "病人主诉头痛三天。" * 10 + f"请致电{PHONE}"  # longer than the classifier's cached values


class Ticks:
    """A ``time`` stand-in whose ``perf_counter`` goes up by one at every reading."""

    def __init__(self) -> None:
        self.readings = 0

    def perf_counter(self) -> float:
        self.readings += 1
        return float(self.readings)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


@pytest.fixture()
def ticks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ticks]:
    clock = Ticks()
    monkeypatch.setattr(classify_module, "time", clock)
    yield clock


def _steps(classifier: Classifier, text: str) -> int:
    """How many rule recognizers the classifier runs on ``text`` (after its triggers)."""
    return len(classifier._steps[classifier._mask(text)])


def test_no_deadline_reads_no_clock(classifier: Classifier, ticks: Ticks) -> None:
    found = classifier.classify({"note": LONG}, ner=False)
    assert "PHONE_NUMBER" in {f.entity for f in found}
    assert ticks.readings == 0  # the path without a budget is untouched


def test_a_passed_deadline_stops_before_the_first_field(classifier: Classifier) -> None:
    with pytest.raises(DeadlinePassed):
        classifier.classify({"name": "陈大文"}, deadline=time.perf_counter() - 1.0)


def test_the_clock_is_read_once_per_field_and_once_per_recognizer(
    classifier: Classifier, ticks: Ticks
) -> None:
    steps = _steps(classifier, LONG)
    assert steps > 2
    found = classifier.classify({"note": LONG, "ward": "3A"}, ner=False, deadline=1e9)
    assert "PHONE_NUMBER" in {f.entity for f in found}
    assert ticks.readings == 2 + steps  # each field, then each recognizer of the long one


def test_a_deadline_passing_between_recognizers_stops_the_next(classifier: Classifier, ticks: Ticks) -> None:
    # Readings: 1 before the field, 2 before the first recognizer, 3 before the second: past 2.5.
    with pytest.raises(DeadlinePassed):
        classifier.classify({"note": LONG}, ner=False, deadline=2.5)
    assert ticks.readings == 3


def test_a_batch_costs_only_the_slow_record(classifier: Classifier, ticks: Ticks) -> None:
    slow = {"notes": [LONG + str(n) for n in range(20)]}  # twenty long fields: hundreds of readings
    quick = {"ward": "3A", "note": f"请致电{PHONE}"}  # short values: a handful
    out = classifier.classify_many([(quick, None, True), (slow, None, True), (quick, None, True)], budget=50)
    assert isinstance(out[1], DeadlinePassed)
    assert out[0] == out[2] == classifier.classify(quick)
    assert [f.entity for f in out[0]] == ["PHONE_NUMBER"]


def test_without_a_budget_a_batch_is_classified_as_before(classifier: Classifier) -> None:
    records = [{"note": LONG}, {"name": "陈大文", "phone": PHONE}]
    assert classifier.classify_many([(r, None, True) for r in records]) == [
        classifier.classify(r) for r in records
    ]


@pytest.fixture()
def inspector(classifier: Classifier) -> Inspector:
    settings = Settings(pseudonym_key="unit-test-key", inspection_budget_seconds=5.0)  # type: ignore[arg-type]
    built = build_inspector(settings, load_policy("gba-default"))
    built.classifier = classifier
    return built


def _flow() -> Any:
    return flow_context(RESEARCH, date(2026, 5, 1))


def test_the_budget_comes_from_the_settings() -> None:
    def budget(seconds: float) -> float | None:
        settings = Settings(pseudonym_key="k", inspection_budget_seconds=seconds)  # type: ignore[arg-type]
        return build_inspector(settings, load_policy("gba-default")).budget

    assert budget(0.25) == 0.25
    assert budget(0) is None  # 0: no budget
    assert Settings(pseudonym_key="k").inspection_budget_seconds == 5.0  # type: ignore[arg-type]


def test_a_record_past_the_budget_is_quarantined_unchanged(
    inspector: Inspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float | None] = []

    def slow(record: object, fields: object = None, ner: bool = True, deadline: float | None = None) -> Any:
        seen.append(deadline)
        raise DeadlinePassed

    monkeypatch.setattr(inspector.classifier, "classify", slow)
    raw = json.dumps({"note": LONG}, ensure_ascii=False).encode()
    verdict = inspector.inspect(raw, _flow(), ORIGIN)
    assert verdict.action.value == "quarantine"
    assert verdict.decision.reasons == ("inspection_timeout",)
    assert verdict.value == raw and verdict.findings == ()
    assert verdict.detail == "inspection_budget: classification took more than 5 s"
    assert (h.DETAIL, verdict.detail.encode()) in verdict.headers
    assert PHONE not in json.dumps(verdict.audit_event(ORIGIN, _flow()))
    assert seen and seen[0] is not None and seen[0] > time.perf_counter()  # about 5 s ahead


def test_in_a_batch_only_the_late_record_is_quarantined(
    inspector: Inspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = inspector.classifier.classify_many
    budgets: list[float | None] = []

    def one_late(items: Any, budget: float | None = None) -> list[Any]:
        budgets.append(budget)
        out = real(items)
        out[1] = DeadlinePassed()
        return out

    monkeypatch.setattr(inspector.classifier, "classify_many", one_late)
    raws = [json.dumps({"id": n, "note": f"请致电{PHONE}"}).encode() for n in range(3)]
    verdicts = inspector.inspect_many([(raw, _flow(), Origin("t", 0, n)) for n, raw in enumerate(raws)])
    assert budgets == [5.0]
    assert [v.decision.reasons for v in verdicts][1] == ("inspection_timeout",)
    assert [v.action.value for v in verdicts] == ["mask", "quarantine", "mask"]
    assert verdicts[1].value == raws[1]


def test_detect_reports_a_line_past_the_budget_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "slow", "note": LONG}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "next"})
        + "\n"
    )
    original = Classifier.classify

    def slow_first(self: Classifier, record: Any, *args: Any, **kwargs: Any) -> Any:
        if record.get("id") == "slow":
            raise DeadlinePassed
        return original(self, record, *args, **kwargs)

    monkeypatch.setattr(Classifier, "classify", slow_first)
    out = tmp_path / "out.jsonl"
    with out.open("w") as handle:
        run_detect(source, Settings(inspection_budget_seconds=0.5), handle)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["error"] == "inspection_timeout: classification took more than 0.5 s"
    assert rows[1] == {"id": "next", "findings": []}
