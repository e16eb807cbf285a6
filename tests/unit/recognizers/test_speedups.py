"""The fast paths (prefilters, per-text and per-hint caches, trigger plans) find exactly what the slow
paths find."""

from __future__ import annotations

import re

import pytest
from phonenumbers import PhoneNumber
from presidio_analyzer import RecognizerResult

from customs.samples.corpus import labelled_corpus
from detectors.classify import Classifier
from detectors.phone_parse import parse_number
from detectors.recognizers import person, phone_number
from detectors.recognizers.base import any_word, union_prefilter
from detectors.recognizers.date_of_birth import is_birth_hint
from detectors.recognizers.health_data import (
    CACHED_TEXT_MAX,
    HealthDataRecognizer,
    _cached_value_spans,
    is_health_hint,
    value_spans,
)
from detectors.recognizers.location import _LATIN_MARK_RE, LATIN_MARKS
from detectors.recognizers.phone_number import PhoneNumberRecognizer, is_gba_number
from detectors.walker import walk_strings


def test_union_prefilter_matches_where_any_pattern_does() -> None:
    prefilter = union_prefilter([r"\d{3}", r"ab(?=c)"], re.IGNORECASE)
    assert prefilter is not None
    assert prefilter.search("x123") is not None
    assert prefilter.search("ABC") is not None
    assert prefilter.search("ab 12") is None


def test_union_prefilter_gives_up_on_patterns_it_cannot_join() -> None:
    assert union_prefilter([], 0) is None
    assert union_prefilter([r"(?P<a>x)", r"(?P<a>y)"], 0) is None


def test_prefilter_skips_text_without_candidates() -> None:
    recognizer = PhoneNumberRecognizer()
    flags = recognizer.global_regex_flags or 0
    assert recognizer.match_patterns("order 123456 shipped", flags) == []
    found = recognizer.match_patterns("call 13812345678 now", flags)
    assert [(r.start, r.end) for r in found] == [(5, 16)]


def test_hint_context_is_cached_and_unchanged() -> None:
    recognizer = PhoneNumberRecognizer()
    assert recognizer.hint_context("mobile_phone") == (True, False)
    assert recognizer.hint_context("order_no") == (False, True)
    assert recognizer.hint_context("") == (False, False)
    assert recognizer.score_with_hint(0.4, "Phone") == recognizer.score_with_hint(0.4, "Phone") == 0.75
    assert recognizer.score_with_hint(0.9, "order_phone") == 0.65  # raised to 1.0, then lowered


def test_health_and_birth_hints() -> None:
    assert is_health_hint("diagnosis")
    assert is_health_hint("labResult")
    assert not is_health_hint("diagnosis_date")
    assert not is_health_hint("")
    assert is_birth_hint("dateOfBirth")
    assert not is_birth_hint("birthPlace")
    assert not is_birth_hint("")


def test_cached_health_spans_equal_uncached() -> None:
    texts = [
        "陈皮",
        "黄芪15g、白术9g",
        "血糖 7.8 mmol/L",
        "2025-09-07",
        "DG-515367",
        "头晕目眩",
        "BP 150/95 mmHg",
    ]
    for text in texts:
        assert len(text) <= CACHED_TEXT_MAX
        assert _cached_value_spans(text) == value_spans(text) == _cached_value_spans(text)
    recognizer = HealthDataRecognizer()
    first = recognizer.analyze("高血压", ["HEALTH_DATA"])
    first[0].score = 0.0  # the classifier changes scores in place: the cache must not see that
    again = recognizer.analyze("高血压", ["HEALTH_DATA"])
    assert again[0].score > 0.0


@pytest.mark.parametrize(
    "words",
    [(), ("",), ("电话", "tel", "phone"), ("a.b", "(x", "[y]", "c+", "hk$", "\\d", "ab", "abc"), ("¥", "￥")],
)
def test_any_word_is_a_substring_test(words: tuple[str, ...]) -> None:
    texts = ["", "a", "tel:", "电话号码", "axb", "a.b", "(x)", "[y]", "cc+", "hk$ 12", "\\d", "abc", "￥3"]
    test = any_word(words)
    assert [test(text) for text in texts] == [any(word in text for word in words) for text in texts]


def test_phone_validation_cache() -> None:
    assert is_gba_number("13812345678") is is_gba_number("13812345678") is True
    assert is_gba_number("12345678901") is False


def test_a_matched_number_is_parsed_once_for_both_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a number is one of ours and whether it reaches a business share one parse per region."""
    parsed: list[tuple[str, str | None]] = []

    def counting(compact: str, region: str | None) -> PhoneNumber | None:
        parsed.append((compact, region))
        return parse_number(compact, region)

    monkeypatch.setattr(phone_number, "parse_number", counting)
    for cached in (phone_number.gba_numbers, phone_number.is_gba_number, phone_number.is_business_number):
        cached.cache_clear()
    for text, regions in (("13912345670", 1), ("4008123456", 1), ("2786 4410", 2)):
        assert phone_number.is_gba_number(text) and phone_number.is_business_number(text) in (True, False)
        assert len(parsed) == regions, text
        parsed.clear()


def test_trigger_plans_cover_every_recognizer() -> None:
    classifier = Classifier()
    everything = classifier._plans[-1]
    assert everything == classifier._recognizers
    untriggered = [rec for rec in classifier._recognizers if rec.TRIGGER is None]
    assert classifier._plans[0] == untriggered
    assert all(set(plan) <= set(everything) for plan in classifier._plans)


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """The reference: keep the strongest of overlapping spans: higher score first, then the longer span."""
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.start))
    kept: list[RecognizerResult] = []
    for result in ranked:
        if all(result.end <= other.start or result.start >= other.end for other in kept):
            kept.append(result)
    return sorted(kept, key=lambda r: r.start)


def _reference_classify_text(
    classifier: Classifier, text: str, hint: str
) -> list[tuple[str, int, int, float]]:
    """Every recognizer's own ``analyze`` (trigger and prefilter searched inside), hint, threshold."""
    if not text or text.isspace():
        return []
    results = []
    for recognizer in classifier._recognizers:
        for result in recognizer.analyze(text, recognizer.supported_entities, None):
            if hint:
                result.score = recognizer.score_with_hint(result.score, hint)
            if result.score >= classifier.threshold:
                results.append(result)
    kept = resolve_overlaps(results) if len(results) > 1 else results
    return [(r.entity_type, r.start, r.end, r.score) for r in kept]


def test_classify_text_finds_what_every_recognizer_finds() -> None:
    classifier = Classifier(threshold=0.3)
    texts = [
        (text, hint)
        for labelled in labelled_corpus(400, seed=3)
        for _, text, hint in walk_strings(labelled.record)
    ]
    texts += [("call 13812345678 or mail a.b@example.com from 192.0.2.44", ""), ("   ", "name"), ("", "")]
    for text, hint in texts:
        found = [(r.entity_type, r.start, r.end, r.score) for r in classifier.classify_text(text, hint)]
        assert found == _reference_classify_text(classifier, text, hint), text


def test_find_cache_gives_what_a_fresh_search_gives() -> None:
    classifier = Classifier(threshold=0.3)
    texts = [
        ("10g", "dose"),
        ("陈大文", "name"),
        ("13812345678", ""),
        ("13812345678", "order_no"),
        ("男", ""),
    ]
    texts += [
        (text, hint)
        for labelled in labelled_corpus(100, seed=11)
        for _, text, hint in walk_strings(labelled.record)
    ]
    for text, hint in texts + texts:  # the second round comes from the cache where short enough
        assert classifier.find(text, hint) == classifier._find(text, hint, 0.3), text
    assert classifier._find_cached.cache_info().hits >= len(texts) // 2


def test_find_cache_follows_a_lowered_threshold() -> None:
    classifier = Classifier()
    text = "白术"  # a herb with no health field name: scored below the default threshold
    assert classifier.find(text, "") == ()
    classifier.threshold = 0.1  # the policy watcher lowers it for a new policy's review threshold
    assert [entity for *_, entity in classifier.find(text, "")] == ["HEALTH_DATA"]


def test_spans_are_what_analyze_reports() -> None:
    classifier = Classifier()
    texts = [
        text for labelled in labelled_corpus(200, seed=5) for _, text, _ in walk_strings(labelled.record)
    ]
    for recognizer in classifier._recognizers:
        for text in texts:
            results = recognizer.analyze(text, recognizer.supported_entities, None)
            assert list(recognizer.spans(text)) == [(r.start, r.end, r.score) for r in results]
            for result in results:
                assert result.entity_type == recognizer.ENTITY
                assert (
                    result.recognition_metadata[RecognizerResult.RECOGNIZER_NAME_KEY]
                    == type(recognizer).__name__
                )


def test_latin_address_marks_as_trie_find_what_the_alternation_found() -> None:
    alternation = re.compile(
        r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Path|Drive|Terrace|Crescent|Square|Circuit|Boulevard|Blvd|"
        r"Highway|Way|Close|Praya|Fong|Flat|Room|Rm|Unit|Suite|Shop|Apt|Apartment)(?![a-z])|"
        r"(?:Avenida|Av|Rua|Travessa|Trav|Estrada|Estr|Calçada|Calcada|Largo|Beco|Praça|Praca|Praceta|Alameda|"
        r"Pátio|Patio|Rampa|Caminho|Istmo|Bairro)(?![a-z])"
    )
    texts = [
        text for labelled in labelled_corpus(300, seed=8) for _, text, _ in walk_strings(labelled.record)
    ]
    texts += [mark + after for mark in LATIN_MARKS for after in ("", " 3", "s", "x", ".", "9", "ç", "A")]
    texts += ["Roads", "StreetX", "Flat 3A", "Avenidas", "Pátios", "Calçada do", "12 Nathan Rd."]
    assert any(_LATIN_MARK_RE.search(text) for text in texts)
    for text in texts:
        assert (_LATIN_MARK_RE.search(text) is None) == (alternation.search(text) is None), text


def test_person_first_checks_never_skip_a_name() -> None:
    texts = [
        text for labelled in labelled_corpus(400, seed=6) for _, text, _ in walk_strings(labelled.record)
    ]
    texts += ["王小明先生", "陈志明于2025年入院", "李医生说", "张伟 女士"]
    titled = [text for text in texts if person._TITLED_RE.search(text)]
    subjects = [text for text in texts if person._SUBJECT_RE.search(text)]
    assert titled and subjects
    assert all(person._HAS_TITLE_RE.search(text) for text in titled)
    assert all(person._HAS_SUBJECT_END_RE.search(text) for text in subjects)
