"""The labelled evaluation corpus: determinism, coverage, and spans that really point at the values."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest

from customs.samples import vocab
from customs.samples.corpus import DOMAINS, LabelledRecord, LabelledSpan, from_sample, labelled_corpus, locate
from customs.samples.generator import generate
from detectors.entities import ENTITIES

pytestmark = pytest.mark.unit

SIZE = 1200


@pytest.fixture(scope="module")
def corpus() -> list[LabelledRecord]:
    return labelled_corpus(SIZE, seed=5)


def _string_at(record: dict[str, Any], path: str) -> str:
    node: Any = record
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    assert isinstance(node, str), path
    return node


def test_deterministic_and_sized() -> None:
    first = labelled_corpus(150, seed=9)
    again = labelled_corpus(150, seed=9)
    assert len(first) == 150
    assert [r.record for r in first] == [r.record for r in again]
    assert [r.spans for r in first] == [r.spans for r in again]
    assert [r.record for r in labelled_corpus(150, seed=10)] != [r.record for r in first]


def test_mix_of_languages_domains_and_shapes(corpus: list[LabelledRecord]) -> None:
    assert set(Counter(r.language for r in corpus)) == {"zh-Hans", "zh-Hant", "en"}
    assert set(Counter(r.domain for r in corpus)) == set(DOMAINS)
    kinds = Counter(r.kind for r in corpus)
    for kind in ("tcm_visit", "en_clinic", "hk_clinic", "mo_claim", "free_text", "clean_orders"):
        assert kinds[kind] > 0, kind
    entities = {span.entity for r in corpus for span in r.spans}
    assert entities <= ENTITIES
    assert {"PERSON", "HEALTH_DATA", "DATE_OF_BIRTH", "LOCATION", "HK_ID_CARD", "CN_RESIDENT_ID"} <= entities


def test_spans_point_inside_strings(corpus: list[LabelledRecord]) -> None:
    for labelled in corpus:
        for span in labelled.spans:
            text = _string_at(labelled.record, span.path)
            assert 0 <= span.start < span.end <= len(text), (labelled.kind, span)
            value = text[span.start : span.end]
            assert value == value.strip() and value == labelled.value(span)


def test_generated_values_are_located_exactly() -> None:
    for sample in generate(300, seed=4, malformed_ratio=0.0):
        labelled = from_sample(sample)
        assert labelled is not None
        located = {(span.entity, labelled.value(span)) for span in labelled.spans}
        assert set(sample.pii) <= located, sample.kind


def test_spans_are_the_planted_values(corpus: list[LabelledRecord]) -> None:
    """Spot checks per entity: the text a span points at has that entity's shape."""
    checks = {
        "CN_RESIDENT_ID": lambda v: len(v) == 18,
        "EMAIL_ADDRESS": lambda v: "@" in v and " " not in v,
        "HK_ID_CARD": lambda v: v[0].isalpha() and len(v) in (8, 9, 10, 11),
        "PHONE_NUMBER": lambda v: sum(c.isdigit() for c in v) >= 8,
        "DATE_OF_BIRTH": lambda v: any(str(y) in v for y in range(1945, 2026)),
    }
    for labelled in corpus:
        for span in labelled.spans:
            check = checks.get(span.entity)
            if check is not None:
                assert check(labelled.value(span)), (span.entity, labelled.value(span))


def test_free_text_spans_do_not_overlap(corpus: list[LabelledRecord]) -> None:
    for labelled in corpus:
        if labelled.domain != "free_text":
            continue
        ordered = sorted(labelled.spans, key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
        assert len({s.entity for s in labelled.spans}) >= 4


def test_clean_records_name_no_one(corpus: list[LabelledRecord]) -> None:
    clean = [r for r in corpus if r.domain == "clean"]
    assert clean
    assert all(not r.spans for r in clean)  # not even health data: a herb list of a batch is no one's
    kinds = Counter(r.kind for r in clean)
    for kind in ("clean_orders", "clean_formulary", "clean_herb_batch", "clean_catalogue"):
        assert kinds[kind] > 0, kind
    assert {r.language for r in clean if r.kind == "clean_herb_batch"} == {"zh-Hans", "zh-Hant", "en"}


def test_herbs_point_at_herb_names(corpus: list[LabelledRecord]) -> None:
    herb_names = {herb for herb, _, _ in vocab.HERBS} | {"陳皮", "黃芪", "白朮", "何首烏", "當歸", "黨參"}
    with_herbs = [r for r in corpus if r.herbs]
    assert len(with_herbs) > 50
    for labelled in with_herbs:
        for herb in labelled.herbs:
            name = labelled.value(herb)
            assert 2 <= len(name) <= 4 and name.strip() == name
            if labelled.domain == "clean":  # a batch's or a formulary's herb list is no one's health data
                continue
            # each herb of someone's prescription lies inside a labelled HEALTH_DATA span of the same string
            assert any(
                s.path == herb.path
                and s.entity == "HEALTH_DATA"
                and s.start <= herb.start
                and herb.end <= s.end
                for s in labelled.spans
            )
    seen = {labelled.value(h) for r in with_herbs for h in r.herbs for labelled in [r]}
    assert seen & herb_names


def test_locate_prefers_longer_values_and_word_boundaries() -> None:
    record = {"a": "王芳芳与王芳", "b": "13812345678 and 913812345678", "c": ["王芳"]}
    spans = locate(record, [("PERSON", "王芳"), ("PERSON", "王芳芳"), ("PHONE_NUMBER", "13812345678")])
    assert spans == [
        LabelledSpan("a", "PERSON", 0, 3),
        LabelledSpan("a", "PERSON", 4, 6),
        LabelledSpan("b", "PHONE_NUMBER", 0, 11),
        LabelledSpan("c.0", "PERSON", 0, 2),
    ]
