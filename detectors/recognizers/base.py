"""The shared base of our recognizers: a Presidio pattern recognizer with language-agnostic context.

Presidio's own context enhancement works on NLP tokens, which Chinese text does not have without a
segmenter. Our recognizers instead look for context words in a window of characters before the match
(and in the field name, passed as a hint), which works the same for Simplified, Traditional and English.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

from detectors import digit_runs
from detectors.lexicon.wordlist import longest_first

log = logging.getLogger("customs.detectors")

LANGUAGE = "zh"
# Cheap pre-filters: most strings in a record hold no identifier at all, and a single regex search
# is far cheaper than running every pattern and validator.
# Identifier-like digits: six in a row, groups of 3-4 split by one space or dash (phones, cards), or
# four pairs (a Hong Kong or Macau number written 28 35 10 24), or a mobile grouped by dots (138.1234.5678);
# dates (2025-05-11), amounts and short codes do not trigger.
DIGIT_RUN = re.compile(r"\d{6}|\d{3,4}[ -]\d{4}|\d\d(?: \d\d){3}|\d{3}\.\d{4}\.\d{4}")
AT_SIGN = re.compile("@")
# Words before a letter-plus-digits code (or field names) that make it a product, part, order, lot or
# seal code, not a document.
PRODUCT_CODE_WORDS = (
    "型号",
    "型號",
    "model",
    "订单",
    "訂單",
    "order",
    "sku",
    "货号",
    "貨號",
    "零件",
    "part no",
    "批号",
    "批號",
    "lot",
    "batch",
    "seal",
    "封条",
    "封條",
    "券",
    "coupon",
)
CONTEXT_WINDOW = 24
CONTEXT_BOOST = 0.35
HINT_CACHE_SIZE = 1024  # distinct field names remembered per recognizer

Span = tuple[int, int, float]  # start, end, score
WordTest = Callable[[str], bool]  # whether a text holds any of some words


def any_word(words: Iterable[str]) -> WordTest:
    """``lambda text: any(word in text for word in words)`` as one search over the words' alternation
    (context lists hold a few dozen words, and a window is tested for each number found)."""
    unique = sorted(set(words), key=longest_first)
    if not unique:
        return _no_word
    search = re.compile("|".join(map(re.escape, unique))).search
    return lambda text: search(text) is not None


def _no_word(text: str) -> bool:
    return False


def union_prefilter(patterns: list[str], flags: int) -> re.Pattern[str] | None:
    """One ``re`` search over the alternation of ``patterns``: where it finds nothing, none of them can
    match, so the per-pattern loop (``regex`` with a timeout, one call per pattern) can be skipped.
    None when the patterns cannot be joined (duplicate group names, ``regex``-only syntax)."""
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)
    except (re.error, ValueError):
        return None


def _compile_re(pattern: str, flags: int) -> re.Pattern[str] | None:
    """``pattern`` in ``re``, or None where only ``regex`` understands it."""
    try:
        return re.compile(pattern, flags)
    except (re.error, ValueError):
        return None


class _Compiled(NamedTuple):
    """One of a recognizer's patterns, compiled: in ``re`` where it compiles there (all of ours do),
    else in ``regex`` with the timeout Presidio uses. ``re`` is faster on short fields and keeps the
    GIL (``regex`` gives it up on every call, and the classify thread then waits for the event loop);
    our patterns are fixed and free of nested unbounded repeats, which a test checks, so they need
    no timeout."""

    name: str
    fast: re.Pattern[str] | None
    pattern: Any  # regex.Pattern[str] where ``fast`` is None, else None
    score: float
    quick: re.Pattern[str] | None  # ``union_prefilter([pattern])`` before a ``regex`` scan


class GbaRecognizer(PatternRecognizer):
    """Subclasses set ENTITY, PATTERNS and CONTEXT and may override ``validate_result``.

    Every concrete subclass in this package is registered automatically (see ``registry``).
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    # Words near a match that make it less likely to be this entity (order numbers, invoices ...).
    NEGATIVE_CONTEXT: ClassVar[tuple[str, ...]] = ()
    # A text without a match for TRIGGER cannot hold this entity (None: always analyse).
    TRIGGER: ClassVar[re.Pattern[str] | None] = None
    # Whether this recognizer reads the statistical NER model (left out when the model is switched off).
    MODEL: ClassVar[bool] = False
    # Whether its numbers may be listed a space apart (``13812345678 13912345678``): then it also reports
    # the numbers of its kind that ``digit_runs`` splits out of a spaced digit run.
    LISTED: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("LISTED"):
            digit_runs.register(cls.ENTITY, cls)

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            supported_language=LANGUAGE,
            name=type(self).__name__,
        )
        # Per regex flags: the union prefilter of PATTERNS and the compiled patterns.
        self._compiled: dict[int, tuple[re.Pattern[str] | None, list[_Compiled]]] = {}
        self._context_lower = tuple(word.lower() for word in self.CONTEXT)
        self._negative_lower = tuple(word.lower() for word in self.NEGATIVE_CONTEXT)
        self._has_context = any_word(self._context_lower)
        self._has_negative = any_word(self._negative_lower)
        # Field names repeat on every record: judge each one once (bounded, thread-safe).
        self._hint_words = lru_cache(maxsize=HINT_CACHE_SIZE)(self.hint_context)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if self.TRIGGER is not None and self.TRIGGER.search(text) is None:
            return []
        return self.analyze_triggered(text, regex_flags or self.global_regex_flags or 0)

    def analyze_triggered(self, text: str, flags: int, prefiltered: bool = False) -> list[RecognizerResult]:
        """``analyze`` for a text already known to match TRIGGER (the classifier searches each trigger
        once per text for all recognizers); ``prefiltered``: it also matched ``prefilter(flags)``."""
        results = self.match_patterns(text, flags, prefiltered)
        if self.LISTED:
            results = self._with_listed(text, results)
        if not results or not (self._context_lower or self._negative_lower):
            return results
        lowered = text.lower()
        for result in results:
            window = lowered[max(0, result.start - CONTEXT_WINDOW) : result.start]
            if self._has_context(window):
                result.score = min(1.0, result.score + CONTEXT_BOOST)
            if self._has_negative(window):
                result.score = max(0.0, result.score - CONTEXT_BOOST)
        return results

    def _with_listed(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """``results`` and the numbers of this kind split out of spaced digit runs in ``text``."""
        listed = digit_runs.parts(text, self.ENTITY)
        if not listed:
            return results
        known = {(r.start, r.end) for r in results}
        return results + self.results(span for span in listed if span[:2] not in known)

    def whole_score(self, text: str) -> float | None:
        """The score of ``text`` as one complete number of this kind standing alone (None: not one)."""
        found = self.match_patterns(text, self.global_regex_flags or 0)
        scores = [r.score for r in found if r.start == 0 and r.end == len(text)]
        return max(scores) if scores else None

    def spans(self, text: str) -> Sequence[Span]:
        """``(start, end, score)`` of what ``analyze`` reports for ``text`` (the classifier's path:
        recognizers that find spans themselves return them without building results)."""
        return [(r.start, r.end, r.score) for r in self.analyze(text, self.supported_entities, None)]

    def spans_triggered(self, text: str, flags: int, prefiltered: bool = False) -> Sequence[Span]:
        """``spans`` for a text known to match TRIGGER (and ``prefilter(flags)`` if ``prefiltered``)."""
        return [(r.start, r.end, r.score) for r in self.analyze_triggered(text, flags, prefiltered)]

    def results(self, spans: Iterable[Span], context_enhanced: bool = False) -> list[RecognizerResult]:
        """Presidio results for ``spans``, with this recognizer's name and id as metadata."""
        metadata: dict[str, object] = {
            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        if context_enhanced:
            metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return [
            RecognizerResult(self.ENTITY, start, end, score, recognition_metadata=dict(metadata))
            for start, end, score in spans
        ]

    def _patterns(self, flags: int) -> tuple[re.Pattern[str] | None, list[_Compiled]]:
        """The union prefilter and the compiled patterns for ``flags`` (compiled once per flags)."""
        found = self._compiled.get(flags)
        if found is None:
            several = len(self.PATTERNS) > 1
            compiled = []
            for p in self.PATTERNS:
                fast = _compile_re(p.regex, flags)
                quick = union_prefilter([p.regex], flags) if several and fast is None else None
                slow = regex.compile(p.regex, flags=flags) if fast is None else None
                compiled.append(_Compiled(p.name, fast, slow, p.score, quick))
            sources = [p.regex for p in self.PATTERNS] + ([digit_runs.SPACED] if self.LISTED else [])
            found = self._compiled[flags] = (union_prefilter(sources, flags), compiled)
        return found

    def prefilter(self, flags: int) -> re.Pattern[str] | None:
        """One ``re`` search that finds nothing where none of the patterns can match (None: no such)."""
        return self._patterns(flags)[0]

    def match_patterns(self, text: str, flags: int, prefiltered: bool = False) -> list[RecognizerResult]:
        """Presidio's pattern matching (same regex engine, flags, timeout, validate/invalidate and
        scores), without its per-pattern timing and explanation objects, which cost more than the
        regexes on short fields. Presidio's engine still sees ordinary results with its metadata.
        ``prefiltered``: the caller has seen ``prefilter(flags)`` match ``text``."""
        prefilter, compiled = self._patterns(flags)
        if not prefiltered and prefilter is not None and prefilter.search(text) is None:
            return []
        results: list[RecognizerResult] = []
        entity = self.supported_entities[0]
        for name, fast, pattern, base_score, quick in compiled:
            if quick is not None and quick.search(text) is None:
                continue  # one ``re`` search spares the timed ``regex`` scan where it cannot match
            try:
                matches = (
                    fast.finditer(text)
                    if fast is not None
                    else pattern.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)
                )
                for match in matches:
                    start, end = match.span()
                    if start == end:
                        continue
                    found = text[start:end]
                    score = base_score
                    valid = self.validate_result(found)
                    if valid is not None:
                        score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                    if self.invalidate_result(found):
                        score = EntityRecognizer.MIN_SCORE
                    if score > EntityRecognizer.MIN_SCORE:
                        metadata = {
                            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        }
                        results.append(
                            RecognizerResult(entity, start, end, score, recognition_metadata=metadata)
                        )
            except TimeoutError:
                log.warning("pattern %s of %s timed out; skipped for this text", name, type(self).__name__)
        return EntityRecognizer.remove_duplicates(results) if len(results) > 1 else results

    def score_with_hint(self, score: float, hint: str) -> float:
        """Adjust a score by the field name (``hint``): raise it for a context word, lower it for a
        negative one (``order_no``). Never creates a finding."""
        positive, negative = self._hint_words(hint)
        if positive:
            score = min(1.0, score + CONTEXT_BOOST)
        if negative:
            score = max(0.0, score - CONTEXT_BOOST)
        return score

    def hint_context(self, hint: str) -> tuple[bool, bool]:
        """Whether the field name ``hint`` holds a context word, and whether it holds a negative one."""
        lowered = hint.lower()
        return (
            bool(lowered) and self._has_context(lowered),
            bool(lowered) and self._has_negative(lowered),
        )


class SpanRecognizer(GbaRecognizer):
    """A recognizer that finds its spans itself (lexicons, name and address rules, dates) instead of
    through PATTERNS: ``analyze`` turns its spans into Presidio results, and the classifier takes the
    spans as they are."""

    # Whether the spans' scores already weigh the context words (said in the results' metadata).
    CONTEXT_ENHANCED: ClassVar[bool] = False

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        return self.results(self.spans(text), context_enhanced=self.CONTEXT_ENHANCED)

    def spans(self, text: str) -> Sequence[Span]:
        raise NotImplementedError
