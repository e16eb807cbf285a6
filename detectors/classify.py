"""Classify a structured record: every string field through the analyzer, overlaps resolved."""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache, partial

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from detectors.engine import build_analyzer
from detectors.field_value import FieldValues
from detectors.finding import Finding
from detectors.ner.reader import shared_reader
from detectors.ner.spans import is_running_text, needs_model, organisation_spans
from detectors.normalise import needs_view, view
from detectors.overlaps import disjoint
from detectors.recognizers import GbaRecognizer
from detectors.recognizers.base import Span, SpanRecognizer
from detectors.subject import with_subjects
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
    return sorted(disjoint(ranked, _bounds), key=lambda f: f[0])


def _bounds(found: Found) -> tuple[int, int]:
    return found[0], found[1]


class DeadlinePassed(Exception):
    """Classification ran past its ``deadline`` (a ``time.perf_counter`` value): the clock is read
    before each field and each recognizer, and a single recognizer's run is linear in its text."""


def _check(deadline: float | None) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise DeadlinePassed


def _outside_organisations(text: str, found: list[Found]) -> list[Found]:
    """Drop names that lie inside a longer organisation the model found (江大学 in 浙江大学, 金杜 in
    金杜律师事务所) where it read ``text``: the model's ``ORG`` words are context, never findings. An
    organisation that is exactly the name is no evidence against it (the model reads some names after
    联系 as organisations): the name stays."""
    if not any(entity == "PERSON" for _, _, _, entity in found):
        return found
    organisations = sorted(organisation_spans(shared_reader().cached(text)))
    if not organisations:
        return found
    starts = [start for start, _ in organisations]
    # The model's words do not overlap: the only one that may hold a finding is the last to start at or
    # before it (found by bisection, so that many names and organisations cost n log n).
    return [
        f
        for f in found
        if f[3] != "PERSON"
        or (index := bisect_right(starts, f[0]) - 1) < 0
        or organisations[index][1] < f[1]
        or organisations[index] == (f[0], f[1])
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
        # A phone, ID or card field's whole value, judged by its digit skeleton (``detectors.field_value``).
        self._field_values = FieldValues({e: r for e, r in self._by_entity.items() if not r.MODEL})
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
        # The rules' plans; the model's recognizers run after them, only where the rules left running
        # text unexplained (``needs_model``).
        self._steps = [[_step(rec) for rec in plan if not rec.MODEL] for plan in self._plans]
        self._model_steps = [_step(rec) for rec in self._recognizers if rec.MODEL]
        self._rules_cached = lru_cache(maxsize=FIND_CACHE_SIZE)(self._rules)  # thread-safe, bounded
        self._find_cached = lru_cache(maxsize=FIND_CACHE_SIZE)(self._find)

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

    def find(
        self, text: str, hint: str = "", ner: bool = True, deadline: float | None = None
    ) -> Sequence[Found]:
        """``(start, end, score, entity)`` of what every recognizer finds in ``text``, scored with the
        field name ``hint``, at or above the threshold, overlaps resolved. Each trigger is searched once
        (recognizers without a match are not run); a triggered recognizer runs only where its prefilter
        matches; recognizers report plain spans (no Presidio results to build and drop). Values of up
        to ``CACHED_TEXT_MAX`` characters are looked up in a bounded cache first. ``ner``: False leaves
        the model out (a flow whose policy turns it off). ``deadline``: ``DeadlinePassed`` is raised if
        a recognizer is about to start after it (a short value is not timed: its cost is bounded)."""
        if len(text) <= CACHED_TEXT_MAX:
            return self._find_cached(text, hint, self.threshold, ner)
        return self._find(text, hint, self.threshold, ner, deadline=deadline)

    def _find(
        self,
        text: str,
        hint: str,
        threshold: float,
        ner: bool = True,
        rules: Sequence[Found] | None = None,
        deadline: float | None = None,
    ) -> tuple[Found, ...]:
        """The rules' findings (``rules`` if already found), then the model's where the text needs it."""
        if rules is None:
            rules = self._rules_for(text, hint, threshold, deadline)
        if not (ner and self._model_steps) or not needs_model(text, rules):
            return tuple(rules)
        found = list(rules)
        if deadline is not None:  # the model reads the text now, stopping at the deadline; spans reuse it
            shared_reader().words(text, partial(_check, deadline))
        for recognizer, entity, _, spans in self._model_steps:
            _check(deadline)
            for start, end, score in spans(text):
                if hint:
                    score = recognizer.score_with_hint(score, hint)
                if score >= threshold:
                    found.append((start, end, score, entity))
        found = _outside_organisations(text, found)
        return tuple(_resolve(found) if len(found) > 1 else found)

    def _rules_for(
        self, text: str, hint: str, threshold: float, deadline: float | None = None
    ) -> tuple[Found, ...]:
        if len(text) <= CACHED_TEXT_MAX:
            return self._rules_cached(text, hint, threshold)
        return self._rules(text, hint, threshold, deadline)

    def _rules(
        self, text: str, hint: str, threshold: float, deadline: float | None = None
    ) -> tuple[Found, ...]:
        """What the rules (every recognizer but the model's) find, overlaps resolved. A text with
        full-width, compatibility or invisible characters is read through its normalised view
        (``detectors.normalise``); the findings' offsets are then mapped back to ``text``."""
        if needs_view(text):
            seen = view(text)
            return tuple(
                (*seen.original_span(start, end), score, entity)
                for start, end, score, entity in self._rules_plain(seen.text, hint, threshold, deadline)
            )
        return self._rules_plain(text, hint, threshold, deadline)

    def _rules_plain(
        self, text: str, hint: str, threshold: float, deadline: float | None = None
    ) -> tuple[Found, ...]:
        if not text or text.isspace():
            return ()
        found: list[Found] = []
        for recognizer, entity, prefilter, spans in self._steps[self._mask(text)]:
            _check(deadline)
            if prefilter is not None and prefilter.search(text) is None:
                continue
            for start, end, score in spans(text):
                if hint:
                    score = recognizer.score_with_hint(score, hint)
                if score >= threshold:
                    found.append((start, end, score, entity))
        found.extend(f for f in self._field_values.find(text, hint, found) if f[2] >= threshold)
        return tuple(_resolve(found) if len(found) > 1 else found)

    def classify_text(self, text: str, hint: str = "") -> list[RecognizerResult]:
        """``find`` as Presidio results: every recognizer over ``text`` (the engine's registry, called
        directly: the engine's per-call bookkeeping — NLP artifacts, token context, deep copies — costs
        more than the patterns themselves and adds nothing for pattern recognizers)."""
        return [
            RecognizerResult(entity, start, end, score) for start, end, score, entity in self.find(text, hint)
        ]

    def classify(
        self,
        record: JsonValue,
        fields: Sequence[Field] | None = None,
        ner: bool = True,
        deadline: float | None = None,
    ) -> list[Finding]:
        """The findings in every string field of ``record``; ``fields``: those fields if already walked
        (``Codec.decode`` walks them while it measures the depth); ``ner``: False leaves the model out
        for this record (a flow whose policy turns it off). ``HEALTH_DATA`` with no data subject in the
        record is no finding (``detectors.subject``). ``deadline`` (a ``time.perf_counter`` value):
        ``DeadlinePassed`` is raised once a field or a recognizer would start after it."""
        findings: list[Finding] = []
        find = self.find
        for path, text, hint in walk(record).fields if fields is None else fields:
            _check(deadline)
            for start, end, score, entity in find(text, hint, ner, deadline):
                findings.append(Finding(path, entity, start, end, score))
        return with_subjects(record, findings)

    def _classify_within(
        self, record: JsonValue, fields: Sequence[Field] | None, ner: bool, budget: float | None
    ) -> list[Finding] | DeadlinePassed:
        try:
            return self.classify(record, fields, ner, _deadline(budget))
        except DeadlinePassed as late:
            return late

    def classify_many(
        self,
        items: Sequence[tuple[JsonValue, Sequence[Field] | None, bool]],
        budget: float | None = None,
    ) -> list[list[Finding] | DeadlinePassed]:
        """``classify`` for each ``(record, fields, ner)``, with the model reading the running texts the
        rules leave unexplained together, in one go (equal-length pieces share an encoder call) rather than
        text by text: the stream engine's path for a batch. The findings are those of ``classify``.
        ``budget``: seconds each record's classification may take (the batch's shared model reading not
        counted); a record past it gets a ``DeadlinePassed`` instead of findings, the others go on."""
        if not (self.ner and self._model_steps):
            return [self._classify_within(record, fields, ner, budget) for record, fields, ner in items]
        threshold = self.threshold
        walked = [walk(record).fields if fields is None else fields for record, fields, _ in items]
        rules: dict[tuple[str, str], tuple[Found, ...]] = {}
        unread: list[str] = []
        reader = shared_reader()
        spent: list[float] = []  # each record's seconds so far
        late: dict[int, DeadlinePassed] = {}
        for index, (fields, (_, _, ner)) in enumerate(zip(walked, items, strict=True)):
            started = time.perf_counter()
            deadline = _deadline(budget, started)
            try:
                for _, text, hint in fields if ner else ():
                    if (text, hint) in rules or not is_running_text(text):
                        continue
                    _check(deadline)
                    found = rules[text, hint] = self._rules_for(text, hint, threshold, deadline)
                    if needs_model(text, found) and not reader.cached(text):
                        unread.append(text)
            except DeadlinePassed as passed:
                late[index] = passed
            spent.append(time.perf_counter() - started)
        reader.prime(unread)
        out: list[list[Finding] | DeadlinePassed] = []
        for index, (fields, (record, _, ner)) in enumerate(zip(walked, items, strict=True)):
            if index in late:
                out.append(late[index])
                continue
            deadline = _deadline(budget, time.perf_counter() - spent[index])
            findings: list[Finding] = []
            try:
                for path, text, hint in fields:
                    _check(deadline)
                    known = rules.get((text, hint)) if ner else None
                    for start, end, score, entity in (
                        self._find(text, hint, threshold, ner, known, deadline)
                        if known is not None
                        else self.find(text, hint, ner, deadline)
                    ):
                        findings.append(Finding(path, entity, start, end, score))
            except DeadlinePassed as passed:
                out.append(passed)
                continue
            out.append(with_subjects(record, findings))
        return out


def _deadline(budget: float | None, started: float | None = None) -> float | None:
    """The ``perf_counter`` value ``budget`` seconds after ``started`` (now); None without a budget."""
    if budget is None:
        return None
    return (time.perf_counter() if started is None else started) + budget
