"""MO_ID_CARD: the Macau identity card, ``1234567(8)``, unbracketed (``1234567 8``, ``12345678``,
``1234567-8``) or the old ``1/234567/8``; shape and context only."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from detectors.recognizers.base import CONTEXT_WINDOW, DIGIT_RUN, GbaRecognizer

# The check digit's algorithm is not public: the bracketed form (1234567(8)), which nothing else in a
# record looks like, counts at the threshold on its own; the old slashed form needs context, and so do
# the unbracketed forms, which only a context word or an ID field name lifts over the threshold (eight
# bare digits are too common to count alone).
_BEFORE = r"(?<![0-9A-Za-z/])(?<!\d[ .-])"
_AFTER = r"(?![0-9A-Za-z/])"
_NOT_GROUPED = r"(?![ .-]\d)(?![(（])"  # not the head of a grouped run, a decimal or ``12345678(9)``
# Words that name the Macau card itself (not any ID): before a number or in the field name they add
# MACAU_BOOST on top of the context boost, which alone leaves an unbracketed number (0.1) below the
# threshold: ``身份證 12345678`` or a field ``id_no`` is not enough, ``澳門身份證``, ``BIR`` or ``mo_id`` is.
# BIR and MO ID as words only (not the ``bir`` of ``birth_date``, the ``mo_id`` of ``demo_id``).
MACAU_CUES = re.compile(
    r"澳[門门](?:居民)?身份[證证]|澳[門门]居民|maca[ou][ _-]?(?:id|identity|resident)"
    r"|(?<![a-z])bir(?![a-z])|(?<![a-z])mo[ _-]?id(?![a-z])"
)
MACAU_BOOST = 0.45


class MoIdCardRecognizer(GbaRecognizer):
    ENTITY = "MO_ID_CARD"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("mo_id_card", _BEFORE + r"[157]\d{6}[(（]\d[)）]", 0.5),
        Pattern("mo_id_card_old", _BEFORE + r"[157]/\d{6}/\d" + _AFTER, 0.4),
        Pattern("mo_id_card_plain", _BEFORE + r"[157]\d{6}[ -]?\d" + _AFTER + _NOT_GROUPED, 0.1),
    ]
    CONTEXT = (
        "澳門身份證",
        "澳门身份证",
        "澳門居民身份證",
        "澳门居民身份证",
        "澳門居民",
        "澳门居民",
        "身份證",
        "身份证",
        "macau id",
        "macao id",
        "macau identity",
        "macao identity",
        "mo id",
        "mo_id",
        "macau_id",
        "macao_id",
        "id_number",
        "id_no",
        "證件號",
        "证件号",
    )
    # Field names and words of things that carry codes of the same shape.
    NEGATIVE_CONTEXT = (
        "ref",
        "order",
        "订单",
        "訂單",
        "invoice",
        "发票",
        "發票",
        "lot",
        "batch",
        "批号",
        "批號",
    )

    def analyze_triggered(self, text: str, flags: int, prefiltered: bool = False) -> list[RecognizerResult]:
        results = super().analyze_triggered(text, flags, prefiltered)
        if results:
            lowered = text.lower()
            for result in results:
                if MACAU_CUES.search(lowered, max(0, result.start - CONTEXT_WINDOW), result.start):
                    result.score = min(1.0, result.score + MACAU_BOOST)
        return results

    def score_with_hint(self, score: float, hint: str) -> float:
        score = super().score_with_hint(score, hint)
        return min(1.0, score + MACAU_BOOST) if _macau_field(hint) else score


@lru_cache(maxsize=1024)  # field names repeat on every record
def _macau_field(hint: str) -> bool:
    """The field name ``hint`` names the Macau identity card (``mo_id``, ``澳門身份證號碼``)."""
    return MACAU_CUES.search(hint.lower()) is not None
