"""MO_ID_CARD: the Macau identity card, ``1234567(8)`` or the old ``1/234567/8``; shape and context only."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer

# The check digit's algorithm is not public: the bracketed form (1234567(8)), which nothing else in a
# record looks like, counts at the threshold on its own; the old slashed form needs context.
_BEFORE = r"(?<![0-9A-Za-z/])(?<!\d[ .-])"
_AFTER = r"(?![0-9A-Za-z/])"


class MoIdCardRecognizer(GbaRecognizer):
    ENTITY = "MO_ID_CARD"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("mo_id_card", _BEFORE + r"[157]\d{6}[(（]\d[)）]", 0.5),
        Pattern("mo_id_card_old", _BEFORE + r"[157]/\d{6}/\d" + _AFTER, 0.4),
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
        "bir",
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
