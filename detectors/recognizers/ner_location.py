"""LOCATION from the statistical model (LAC): addresses without a road word (红旗区骆驼湾新村53号,
惠州市惠城区江北94号小区18栋) in running text and in fields.

A run of the model's place words with the numbered parts after it is a finding only when it is
address-grade (a house, building, floor or room number: :func:`detectors.ner.spans.address_spans`); a city or
district alone is not personal data. Only when the model is on (``CUSTOMS_NER``, the policy's ``ner``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.ner.reader import shared_reader
from detectors.ner.spans import ADDRESS_SCORE, HAN_TRIGGER, address_spans
from detectors.recognizers.base import Span, SpanRecognizer


class NerLocationRecognizer(SpanRecognizer):
    ENTITY = "LOCATION"
    # For documentation: the model reads running text (``spans`` runs it).
    PATTERNS: ClassVar[list[Pattern]] = [Pattern("ner_running_text", HAN_TRIGGER.pattern, ADDRESS_SCORE)]
    TRIGGER = HAN_TRIGGER
    MODEL = True  # the classifier leaves it out when the model is switched off

    def spans(self, text: str) -> Sequence[Span]:
        words = shared_reader().words(text)
        return address_spans(text, words) if words else []
