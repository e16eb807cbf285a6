"""Classify a structured record: every string field through the analyzer, overlaps resolved."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from detectors.engine import build_analyzer
from detectors.finding import Finding
from detectors.recognizers import GbaRecognizer
from detectors.recognizers.base import union_prefilter
from detectors.walker import JsonValue, walk_strings

DEFAULT_THRESHOLD = 0.5


Analyze = Callable[[str], list[RecognizerResult]]


def _step(recognizer: GbaRecognizer) -> tuple[GbaRecognizer, re.Pattern[str] | None, Analyze]:
    """How the classifier runs ``recognizer`` on a text whose triggers it has searched: a recognizer
    with a TRIGGER and the base ``analyze`` skips the trigger (and, given its prefilter, the prefilter)."""
    if recognizer.TRIGGER is None or type(recognizer).analyze is not GbaRecognizer.analyze:
        return recognizer, None, partial(_analyze, recognizer)
    flags = recognizer.global_regex_flags or 0
    prefilter = recognizer.prefilter(flags)
    return (
        recognizer,
        prefilter,
        partial(recognizer.analyze_triggered, flags=flags, prefiltered=prefilter is not None),
    )


def _analyze(recognizer: GbaRecognizer, text: str) -> list[RecognizerResult]:
    return recognizer.analyze(text, recognizer.supported_entities, None)


def _union(triggers: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """A pattern that matches where any of ``triggers`` does (None: they cannot be joined)."""
    if not triggers or len({trigger.flags for trigger in triggers}) > 1:
        return None
    return union_prefilter([trigger.pattern for trigger in triggers], triggers[0].flags)


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep the strongest of overlapping spans: higher score first, then the longer span."""
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.start))
    kept: list[RecognizerResult] = []
    for result in ranked:
        if all(result.end <= other.start or result.start >= other.end for other in kept):
            kept.append(result)
    return sorted(kept, key=lambda r: r.start)


class Classifier:
    """Finds personal information in decoded records. Thread-safe for concurrent ``classify`` calls."""

    def __init__(self, analyzer: AnalyzerEngine | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.analyzer = analyzer or build_analyzer()
        self.threshold = threshold
        self._recognizers: list[GbaRecognizer] = [
            rec for rec in self.analyzer.registry.recognizers if isinstance(rec, GbaRecognizer)
        ]
        self._by_entity = {rec.supported_entities[0]: rec for rec in self._recognizers}
        # Recognizers share triggers: search each distinct one once per text, then run the recognizers
        # planned for that combination of hits (bit i set: ``self._triggers[i]`` matched).
        self._triggers: list[re.Pattern[str]] = []
        for rec in self._recognizers:
            if rec.TRIGGER is not None and all(rec.TRIGGER is not known for known in self._triggers):
                self._triggers.append(rec.TRIGGER)
        self._plans: list[list[GbaRecognizer]] = [
            [
                rec
                for rec in self._recognizers
                if rec.TRIGGER is None or mask >> self._trigger_index(rec.TRIGGER) & 1
            ]
            for mask in range(1 << len(self._triggers))
        ]
        # Most texts match no trigger at all: one search over their union says so.
        self._any_trigger = _union(self._triggers)
        self._steps = [[_step(rec) for rec in plan] for plan in self._plans]

    def _trigger_index(self, trigger: re.Pattern[str]) -> int:
        return next(index for index, known in enumerate(self._triggers) if known is trigger)

    @property
    def entities(self) -> list[str]:
        return sorted(self._by_entity)

    def _mask(self, text: str) -> int:
        """Bit i set: ``self._triggers[i]`` matches ``text``."""
        if self._any_trigger is not None and self._any_trigger.search(text) is None:
            return 0
        mask = 0
        for index, trigger in enumerate(self._triggers):
            if trigger.search(text) is not None:
                mask |= 1 << index
        return mask

    def classify_text(self, text: str, hint: str = "") -> list[RecognizerResult]:
        """Run every recognizer over ``text`` (the engine's registry, called directly: the engine's
        per-call bookkeeping — NLP artifacts, token context, deep copies — costs more than the
        patterns themselves and adds nothing for pattern recognizers). Each trigger is searched once;
        a triggered recognizer runs only where its prefilter matches."""
        if not text or text.isspace():
            return []
        results: list[RecognizerResult] = []
        threshold = self.threshold
        for recognizer, prefilter, analyze in self._steps[self._mask(text)]:
            if prefilter is not None and prefilter.search(text) is None:
                continue
            for result in analyze(text):
                if hint:
                    result.score = recognizer.score_with_hint(result.score, hint)
                if result.score >= threshold:
                    results.append(result)
        return resolve_overlaps(results) if len(results) > 1 else results

    def classify(self, record: JsonValue) -> list[Finding]:
        findings: list[Finding] = []
        for path, text, hint in walk_strings(record):
            findings.extend(
                Finding(path=path, entity=r.entity_type, start=r.start, end=r.end, score=r.score)
                for r in self.classify_text(text, hint)
            )
        return findings
