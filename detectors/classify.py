"""Classify a structured record: every string field through the analyzer, overlaps resolved."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from detectors.engine import build_analyzer
from detectors.finding import Finding
from detectors.ner.reader import shared_reader
from detectors.ner.spans import needs_model, organisation_spans
from detectors.recognizers import GbaRecognizer
from detectors.recognizers.base import Span, SpanRecognizer
from detectors.walker import Field, JsonValue, walk

DEFAULT_THRESHOLD = 0.5
# Short field values repeat from record to record (doses, herbs, departments, currencies, id types):
# what was found in one is remembered, keyed by value, field name and threshold (bounded LRU).
CACHED_TEXT_MAX = 64
FIND_CACHE_SIZE = 16_384


Find = Callable[[str], Sequence[Span]]
Found = tuple[int, int, float, str]  # start, end, score, entity


def _step(recognizer: GbaRecognizer) -> tuple[GbaRecognizer, str, re.Pattern[str] | None, Find]:
    """How the classifier runs ``recognizer`` on a text whose triggers it has searched: a recognizer
    with a TRIGGER and the base ``analyze`` skips the trigger (and, given its prefilter, the prefilter)."""
    entity = recognizer.supported_entities[0]
    if recognizer.TRIGGER is None or isinstance(recognizer, SpanRecognizer):
        return recognizer, entity, None, recognizer.spans
    flags = recognizer.global_regex_flags or 0
    prefilter = recognizer.prefilter(flags)
    find = partial(recognizer.spans_triggered, flags=flags, prefiltered=prefilter is not None)
    return recognizer, entity, prefilter, find


def _resolve(found: list[Found]) -> list[Found]:
    """Keep the strongest of overlapping spans: higher score first, then the longer span."""
    ranked = sorted(found, key=lambda f: (-f[2], -(f[1] - f[0]), f[0]))
    kept: list[Found] = []
    for start, end, score, entity in ranked:
        if all(end <= other[0] or start >= other[1] for other in kept):
            kept.append((start, end, score, entity))
    return sorted(kept, key=lambda f: f[0])


def _outside_organisations(text: str, found: list[Found]) -> list[Found]:
    """Drop names that lie inside an organisation the model found (周大福 in 周大福珠宝, 江大学 in 浙江大学)
    where it read ``text``: the model's ``ORG`` words are context, never findings."""
    if not any(entity == "PERSON" for _, _, _, entity in found):
        return found
    organisations = organisation_spans(shared_reader().cached(text))
    if not organisations:
        return found
    return [
        f
        for f in found
        if f[3] != "PERSON" or not any(start <= f[0] and f[1] <= end for start, end in organisations)
    ]


class Classifier:
    """Finds personal information in decoded records. Thread-safe for concurrent ``classify`` calls."""

    def __init__(
        self,
        analyzer: AnalyzerEngine | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        ner: bool = True,
    ) -> None:
        """``ner``: run the statistical NER model's recognizers (loaded and its files verified now; a
        missing or changed model raises ``ModelError``). Off: the rules alone, the model never loaded."""
        self.analyzer = analyzer or build_analyzer()
        self.threshold = threshold
        self.ner = ner
        self._recognizers: list[GbaRecognizer] = [
            rec
            for rec in self.analyzer.registry.recognizers
            if isinstance(rec, GbaRecognizer) and (ner or not rec.MODEL)
        ]
        if ner and any(rec.MODEL for rec in self._recognizers):
            shared_reader().load()
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
        self._trigger_bits = [(1 << index, trigger.search) for index, trigger in enumerate(self._triggers)]
        # The model's recognizers run last, and only where the rules left running text unexplained.
        self._steps = [
            [_step(rec) for rec in sorted(plan, key=lambda rec: rec.MODEL)] for plan in self._plans
        ]
        # The same plans without the model's recognizers: a flow whose policy turns the model off.
        self._rule_steps = [[step for step in steps if not step[0].MODEL] for steps in self._steps]
        self._find_cached = lru_cache(maxsize=FIND_CACHE_SIZE)(self._find)  # thread-safe, bounded

    def _trigger_index(self, trigger: re.Pattern[str]) -> int:
        return next(index for index, known in enumerate(self._triggers) if known is trigger)

    @property
    def entities(self) -> list[str]:
        return sorted(self._by_entity)

    def _mask(self, text: str) -> int:
        """Bit i set: ``self._triggers[i]`` matches ``text``."""
        mask = 0
        for bit, search in self._trigger_bits:
            if search(text) is not None:
                mask |= bit
        return mask

    def find(self, text: str, hint: str = "", ner: bool = True) -> Sequence[Found]:
        """``(start, end, score, entity)`` of what every recognizer finds in ``text``, scored with the
        field name ``hint``, at or above the threshold, overlaps resolved. Each trigger is searched once
        (recognizers without a match are not run); a triggered recognizer runs only where its prefilter
        matches; recognizers report plain spans (no Presidio results to build and drop). Values of up
        to ``CACHED_TEXT_MAX`` characters are looked up in a bounded cache first."""
        if len(text) <= CACHED_TEXT_MAX:
            return self._find_cached(text, hint, self.threshold, ner)
        return self._find(text, hint, self.threshold, ner)

    def _find(self, text: str, hint: str, threshold: float, ner: bool = True) -> tuple[Found, ...]:
        if not text or text.isspace():
            return ()
        found: list[Found] = []
        steps = self._steps if ner else self._rule_steps
        for recognizer, entity, prefilter, spans in steps[self._mask(text)]:
            if recognizer.MODEL and not needs_model(text, found):
                break
            if prefilter is not None and prefilter.search(text) is None:
                continue
            for start, end, score in spans(text):
                if hint:
                    score = recognizer.score_with_hint(score, hint)
                if score >= threshold:
                    found.append((start, end, score, entity))
        if ner and self.ner and found:
            found = _outside_organisations(text, found)
        return tuple(_resolve(found) if len(found) > 1 else found)

    def classify_text(self, text: str, hint: str = "") -> list[RecognizerResult]:
        """``find`` as Presidio results: every recognizer over ``text`` (the engine's registry, called
        directly: the engine's per-call bookkeeping — NLP artifacts, token context, deep copies — costs
        more than the patterns themselves and adds nothing for pattern recognizers)."""
        return [
            RecognizerResult(entity, start, end, score) for start, end, score, entity in self.find(text, hint)
        ]

    def prime(self, texts: Iterable[str]) -> int:
        """Let the NER model read the running texts among ``texts`` together, before they are classified
        one by one (equal-length pieces share an encoder call; the words are remembered). A no-op when
        the model is off. Returns how many texts the model read."""
        if not self.ner:
            return 0
        return shared_reader().prime(texts)

    def classify(
        self, record: JsonValue, fields: Sequence[Field] | None = None, ner: bool = True
    ) -> list[Finding]:
        """The findings in every string field of ``record``; ``fields``: those fields if already walked
        (``Codec.decode`` walks them while it measures the depth); ``ner``: False leaves the model out
        for this record (a flow whose policy turns it off)."""
        findings: list[Finding] = []
        find = self.find
        for path, text, hint in walk(record).fields if fields is None else fields:
            for start, end, score, entity in find(text, hint, ner):
                findings.append(Finding(path, entity, start, end, score))
        return findings
