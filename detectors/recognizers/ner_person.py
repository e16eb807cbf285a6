"""PERSON from the statistical model (LAC): names in running Chinese text that no cue word announces.

The rules in ``person.py`` find names beside cues; this recognizer reads the sentence (``已交王芳跟进``,
``所长毛寿龙说``, ``@王小明``). Its findings join the rules' (overlaps resolved by the classifier); the
lexicons veto herbs, TCM terms, Cantonese particles, zodiac signs and everyday words
(:func:`detectors.ner.spans.is_person`). It runs only on running text, and only when the model is on
(``CUSTOMS_NER``, the policy's ``ner``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.ner.reader import shared_reader
from detectors.ner.spans import HAN_TRIGGER, PERSON_SCORE, person_spans
from detectors.recognizers.base import Span, SpanRecognizer


class NerPersonRecognizer(SpanRecognizer):
    ENTITY = "PERSON"
    # For documentation: the model reads running text (``spans`` runs it).
    PATTERNS: ClassVar[list[Pattern]] = [Pattern("ner_running_text", HAN_TRIGGER.pattern, PERSON_SCORE)]
    TRIGGER = HAN_TRIGGER
    MODEL = True  # the classifier leaves it out when the model is switched off

    def spans(self, text: str) -> Sequence[Span]:
        words = shared_reader().words(text)
        return person_spans(text, words) if words else []
