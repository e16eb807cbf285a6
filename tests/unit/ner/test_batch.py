"""Classifying a batch at once (the model reading its running texts together) finds exactly what
classifying record by record finds; the inspector's batch path gives the same verdicts."""

from __future__ import annotations

from datetime import date

import pytest

from customs.codec import Codec, SchemaStore, compact_json
from customs.inspection import Inspector, Origin
from customs.samples.corpus import labelled_corpus
from customs.settings import Settings
from detectors.classify import Classifier
from detectors.ner.reader import shared_reader
from rules.decision import FlowContext
from rules.policy import load_policy

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def records() -> list[object]:
    return [labelled.record for labelled in labelled_corpus(300, seed=11)]


def test_classify_many_equals_classify(records: list[object]) -> None:
    shared_reader().forget()
    one_by_one = [Classifier().classify(record) for record in records]
    shared_reader().forget()  # so that the batch path reads every text itself
    batched = Classifier().classify_many([(record, None, True) for record in records])
    assert batched == one_by_one
    assert any(f.entity == "PERSON" for findings in batched for f in findings)


def test_classify_many_honours_ner_off_per_record(records: list[object]) -> None:
    classifier = Classifier()
    batched = classifier.classify_many(
        [(record, None, index % 2 == 0) for index, record in enumerate(records)]
    )
    expected = [classifier.classify(record, ner=index % 2 == 0) for index, record in enumerate(records)]
    assert batched == expected


def test_inspect_many_equals_inspect(records: list[object]) -> None:
    settings = Settings()
    inspector = Inspector(
        Classifier(),
        Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth),
        lambda: load_policy("mask-all"),
        b"k" * 32,
    )
    flow = FlowContext("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", date(2026, 1, 5))
    items = [(compact_json(record), flow, Origin("in", 0, offset)) for offset, record in enumerate(records)]
    items.append((b"{not json", flow, Origin("in", 0, len(items))))
    batch = inspector.inspect_many(items)
    single = [inspector.inspect(raw, flow, origin) for raw, flow, origin in items]
    assert [(v.decision, v.value, v.headers, v.findings) for v in batch] == [
        (v.decision, v.value, v.headers, v.findings) for v in single
    ]


def test_the_model_reading_is_charged_to_the_records_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from detectors.classify import DeadlinePassed

    reader = shared_reader()
    reader.forget()
    seen: list[object] = []
    words = reader.words

    def reading(text: str, check: object = None) -> object:
        seen.append(check)
        if callable(check):
            time.sleep(0.02)  # the model's time passes ...
            check()  # ... and its check stops the reading once the deadline is behind
        return words(text)

    monkeypatch.setattr(reader, "words", reading)
    text = "病例已交王芳跟进，下周再安排复诊，家属表示理解。" * 4  # longer than the cached values
    with pytest.raises(DeadlinePassed):
        Classifier().find(text, deadline=time.perf_counter() + 0.01)
    assert seen and callable(seen[0])
